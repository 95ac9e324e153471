package dev.cachai.etcd.watch;

import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** etcd's Watch service: one {@link WatchStream} per call. */
public final class WatchService extends WatchGrpc.WatchImplBase {
    private final EtcdContext ctx;

    public WatchService(EtcdContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        var out = (ServerCallStreamObserver<WatchResponse>) responses;
        return new WatchStream(ctx.watches(), ctx.headers(), ctx.auth(), ctx.config().requestBytesMax(), out);
    }
}
