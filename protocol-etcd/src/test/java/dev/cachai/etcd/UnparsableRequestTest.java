package dev.cachai.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.testing.RawRequests;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Requests that are not valid protobuf get etcd's INTERNAL "grpc: error unmarshalling request". */
class UnparsableRequestTest {
    private final MetricRegistry metrics = new MetricRegistry();
    private EtcdServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new SyncGateway(), metrics, null);
        server.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.close();
    }

    @Test
    void aTruncatedRangeIsAnsweredInternalAndTheConnectionServesOn() {
        MethodDescriptor<byte[], byte[]> range = RawRequests.raw(KVGrpc.getRangeMethod());
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, range, CallOptions.DEFAULT, RawRequests.TRUNCATED))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription()).startsWith("grpc: error unmarshalling request: ");
                });

        assertThat(metrics.scrape()).as("counted as etcd's go-grpc-prometheus counts it").contains(
                "grpc_server_handled_total{grpc_type=\"unary\",grpc_service=\"etcdserverpb.KV\",grpc_method=\"Range\","
                        + "grpc_code=\"Internal\"} 1");

        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).build());
        assertThat(kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build()).getCount()).isEqualTo(1);
    }

    @Test
    void aRequestThatParsesStillGetsEtcdsOwnChecks() {
        MethodDescriptor<byte[], byte[]> range = RawRequests.raw(KVGrpc.getRangeMethod());
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, range, CallOptions.DEFAULT, new byte[0]))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: key is not provided");
                });
    }

    @Test
    void aMalformedWatchMessageEndsItsStreamInternal() throws Exception {
        MethodDescriptor<byte[], byte[]> watch = RawRequests.raw(WatchGrpc.getWatchMethod());
        CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(watch, CallOptions.DEFAULT), new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {}

                    @Override
                    public void onError(Throwable t) {
                        ended.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        ended.complete(Status.OK);
                    }
                });
        requests.onNext(RawRequests.TRUNCATED);
        Status status = ended.get(10, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).startsWith("grpc: error unmarshalling request: ");
    }
}
