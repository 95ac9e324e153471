package dev.cachai.bench.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.bench.load.Endpoints;
import dev.cachai.etcd.proto.etcdserverpb.Compare;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutResponse;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeResponse;
import dev.cachai.etcd.proto.etcdserverpb.RequestOp;
import dev.cachai.etcd.proto.etcdserverpb.TxnRequest;
import dev.cachai.etcd.proto.etcdserverpb.TxnResponse;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The workloads' KV calls on grpc-java's async stubs, one channel per connection
 * ({@link GrpcChannels}). Replies complete on the transport's threads, where the driver issues
 * the client's next call.
 */
final class GrpcKv implements EtcdKv {
    private static final long CONNECT_SECONDS_MAX = 30;

    private final GrpcChannels channels;
    private final List<KVGrpc.KVStub> stubs = new ArrayList<>();

    GrpcKv(Endpoints target, int connections) throws Exception {
        channels = new GrpcChannels(target, connections);
        try {
            for (int i = 0; i < connections; i++) {
                stubs.add(KVGrpc.newStub(channels.of(i)));
            }
            connect();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** One read per connection, so that connecting stays out of the measured windows. */
    private void connect() throws Exception {
        byte[] probe = "/bench-connect".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < stubs.size(); i++) {
            get(i, probe, true).get(CONNECT_SECONDS_MAX, TimeUnit.SECONDS);
        }
    }

    private KVGrpc.KVStub stub(int client) {
        return stubs.get(client % stubs.size());
    }

    @Override
    public CompletableFuture<?> put(int client, byte[] key, byte[] value) {
        PutRequest request = PutRequest.newBuilder()
                .setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)).build();
        Reply<Object, PutResponse> reply = new Reply<>(r -> r);
        stub(client).put(request, reply);
        return reply.result;
    }

    @Override
    public CompletableFuture<Integer> get(int client, byte[] key, boolean serializable) {
        RangeRequest request = RangeRequest.newBuilder()
                .setKey(ByteString.copyFrom(key)).setSerializable(serializable).build();
        Reply<Integer, RangeResponse> reply = new Reply<>(r -> r.getKvsCount());
        stub(client).range(request, reply);
        return reply.result;
    }

    @Override
    public CompletableFuture<Boolean> putIfVersion(int client, byte[] key, long version, byte[] value) {
        ByteString k = ByteString.copyFrom(key);
        TxnRequest request = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.EQUAL).setVersion(version))
                .addSuccess(RequestOp.newBuilder().setRequestPut(
                        PutRequest.newBuilder().setKey(k).setValue(ByteString.copyFrom(value))))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(k)))
                .build();
        Reply<Boolean, TxnResponse> reply = new Reply<>(r -> r.getSucceeded());
        stub(client).txn(request, reply);
        return reply.result;
    }

    @Override
    public void close() {
        stubs.clear();
        channels.close();
    }

    /** A unary call's answer as a future of what the workload needs from it. */
    private static final class Reply<T, R> implements StreamObserver<R> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Function<R, T> extract;

        Reply(Function<R, T> extract) {
            this.extract = extract;
        }

        @Override
        public void onNext(R response) {
            result.complete(extract.apply(response));
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            // onNext completed the future; a unary call has nothing more to say.
        }
    }
}
