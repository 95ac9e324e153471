package dev.cachai.etcd.watch;

import com.google.protobuf.ByteString;
import dev.cachai.engine.Engine;
import dev.cachai.etcd.InProcessEtcd;
import dev.cachai.etcd.WatchRecorder;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub tells the engine how many threads a revision set to work, which is what stops the
 * polling threads (Engine#wideFanOuts). In-process streams run off an event loop, one send task
 * each, so each stream counts as one thread.
 */
class WatchHubFanOutTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aRevisionToldToStreamsOnTwoThreadsIsAWideFanOutAndOneIsNot() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            Engine engine = etcd.etcd.context().engine();
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            WatchRecorder first = watch(etcd);
            put(kv, "1");
            await().atMost(WAIT).until(() -> !first.events().isEmpty());
            assertThat(engine.wideFanOuts()).as("one stream").isZero();

            WatchRecorder second = watch(etcd);
            put(kv, "2");
            await().atMost(WAIT).until(() -> !second.events().isEmpty());
            assertThat(engine.wideFanOuts()).as("two streams").isEqualTo(1);
        }
    }

    private static WatchRecorder watch(InProcessEtcd etcd) {
        WatchRecorder r = new WatchRecorder();
        WatchGrpc.newStub(etcd.channel).watch(r).onNext(WatchRequest.newBuilder().setCreateRequest(
                WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("w"))).build());
        await().atMost(WAIT).until(() -> !r.received.isEmpty()); // created: the stream is registered
        return r;
    }

    private static void put(KVGrpc.KVBlockingStub kv, String value) {
        kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("w"))
                .setValue(ByteString.copyFromUtf8(value)).build());
    }
}
