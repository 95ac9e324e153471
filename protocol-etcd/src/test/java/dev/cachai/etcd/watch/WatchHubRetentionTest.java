package dev.cachai.etcd.watch;

import com.google.protobuf.ByteString;
import dev.cachai.etcd.InProcessEtcd;
import dev.cachai.etcd.WatchRecorder;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hub holds changes while a watch stream is open, and none once the last one closed. */
class WatchHubRetentionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static void put(KVGrpc.KVBlockingStub kv, String value) {
        kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("r"))
                .setValue(ByteString.copyFromUtf8(value)).build());
    }

    @Test
    void changesAreHeldOnlyWhileAStreamIsOpen() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            EventHistory history = etcd.etcd.context().watches().history();
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            put(kv, "unwatched");
            assertThat(history.size()).isZero();

            WatchRecorder r = new WatchRecorder();
            StreamObserver<WatchRequest> requests = WatchGrpc.newStub(etcd.channel).watch(r);
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(
                    WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8("r"))).build());
            await().atMost(WAIT).until(() -> !r.received.isEmpty()); // created: the stream is registered
            put(kv, "watched");
            await().atMost(WAIT).until(() -> r.received.stream().anyMatch(x -> x.getEventsCount() > 0));
            assertThat(history.size()).isEqualTo(1);
            assertThat(history.from(0, 10).get(0).revision()).isEqualTo(history.lastRevision());

            requests.onCompleted();
            await().atMost(WAIT).until(() -> r.completed); // closed: unregistered before the reply
            put(kv, "unwatched again");
            assertThat(history.size()).isZero();
            assertThat(history.baseRevision()).isEqualTo(history.lastRevision());
        }
    }
}
