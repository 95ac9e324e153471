package dev.cachai.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.testing.HeldGateway;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutResponse;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gRPC worker loops count a put's reply as awaited from its call until it reaches them (see ReplyWaits). */
class RepliesAwaitedTest {
    private static final int WAIT_S = 10;
    private static final int PUTS = 3;
    private static final int READS = 5;

    @Test
    void aPutIsAwaitedUntilItsReplyComesBackFromAnotherThread() throws Exception {
        HeldGateway gateway = new HeldGateway(c -> c instanceof Put);
        gateway.hold();
        try (EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), gateway)) {
            server.start();
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                CountDownLatch answered = new CountDownLatch(PUTS);
                for (int i = 0; i < PUTS; i++) {
                    KVGrpc.newStub(ch).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + i)).build(),
                            new StreamObserver<PutResponse>() {
                                public void onNext(PutResponse r) {}

                                public void onError(Throwable t) {}

                                public void onCompleted() {
                                    answered.countDown();
                                }
                            });
                }
                await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> gateway.heldCount() == PUTS);
                assertThat(server.loops().repliesAwaited()).isEqualTo(PUTS);
                gateway.release();
                assertThat(answered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
                KVGrpc.newBlockingStub(ch).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k0"))
                        .setSerializable(true).build()); // answered at once: never awaited
                assertThat(server.loops().repliesAwaited()).isZero();
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void callsAreCountedAndAReadIsAnsweredOnItsLoop() throws Exception {
        try (EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new HeldGateway(c -> false))) {
            server.start();
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                for (int i = 0; i < READS; i++) {
                    KVGrpc.newBlockingStub(ch).range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                            .setSerializable(true).build());
                }
                assertThat(server.loops().callsBegun()).isEqualTo(READS);
                assertThat(server.loops().callsBegunAtLastAnswer()).as("the last read was answered on the loop").isEqualTo(READS);
            } finally {
                ch.shutdownNow();
            }
        }
    }
}
