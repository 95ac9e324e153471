package dev.cachai.etcd;

import dev.cachai.engine.testing.SyncGateway;

import com.google.protobuf.ByteString;
import dev.cachai.etcd.proto.etcdserverpb.*;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.cachai.etcd.KvServiceTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client that stops reading must not hold up another one (flow control on the real transport). */
class SlowWatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Well past HTTP/2's per-stream window (1 MiB in grpc-java), so the slow stream blocks. */
    private static final int PUTS = 120;
    private static final int VALUE_BYTES = 32 * 1024;

    /** Takes responses only when told to: with auto flow control off, nothing is read otherwise. */
    private static final class ManualWatcher implements ClientResponseObserver<WatchRequest, WatchResponse> {
        final List<WatchResponse> received = new CopyOnWriteArrayList<>();
        volatile ClientCallStreamObserver<WatchRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        @Override public void onNext(WatchResponse r) { received.add(r); }
        @Override public void onError(Throwable t) { }
        @Override public void onCompleted() { }

        long events() {
            return received.stream().mapToLong(WatchResponse::getEventsCount).sum();
        }
    }

    @Test
    void slowWatcherDoesNotStallAFastOne() throws Exception {
        try (EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new SyncGateway())) {
            server.start();
            ManagedChannel slowChannel = channel(server);
            ManagedChannel fastChannel = channel(server);
            try {
                ManualWatcher slow = new ManualWatcher();
                ManualWatcher fast = new ManualWatcher();
                WatchRequest create = WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(b("s/")).setRangeEnd(b("s0"))).build();
                WatchGrpc.newStub(slowChannel).watch(slow).onNext(create);
                WatchGrpc.newStub(fastChannel).watch(fast).onNext(create);
                await().atMost(WAIT).until(() -> !slow.received.isEmpty() && !fast.received.isEmpty());
                fast.call.request(Integer.MAX_VALUE);

                var kv = KVGrpc.newBlockingStub(fastChannel);
                ByteString value = ByteString.copyFrom(new byte[VALUE_BYTES]);
                for (int i = 0; i < PUTS; i++) {
                    kv.put(PutRequest.newBuilder().setKey(b("s/" + i)).setValue(value).build());
                }
                await().atMost(WAIT).until(() -> fast.events() == PUTS);
                assertThat(slow.events()).isZero();

                // Once the slow client reads again it gets everything, in order.
                slow.call.request(Integer.MAX_VALUE);
                await().atMost(WAIT).until(() -> slow.events() == PUTS);
                List<Long> revisions = slow.received.stream().flatMap(r -> r.getEventsList().stream())
                        .map(e -> e.getKv().getModRevision()).toList();
                assertThat(revisions).isSorted().doesNotHaveDuplicates();
            } finally {
                slowChannel.shutdownNow();
                fastChannel.shutdownNow();
            }
        }
    }

    private static ManagedChannel channel(EtcdServer server) {
        return NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }
}
