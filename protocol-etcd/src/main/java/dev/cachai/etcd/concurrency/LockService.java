package dev.cachai.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.cachai.engine.Bytes;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.v3lockpb.LockGrpc;
import dev.cachai.etcd.proto.v3lockpb.LockRequest;
import dev.cachai.etcd.proto.v3lockpb.LockResponse;
import dev.cachai.etcd.proto.v3lockpb.UnlockRequest;
import dev.cachai.etcd.proto.v3lockpb.UnlockResponse;
import dev.cachai.etcd.support.Calls;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;

/** etcd's v3lock service: a mutex per name, held while the caller's lease lives. */
public final class LockService extends LockGrpc.LockImplBase {
    private final EtcdContext ctx;
    private final KeyQueue queue;

    public LockService(EtcdContext ctx) {
        this.ctx = ctx;
        this.queue = new KeyQueue(ctx);
    }

    @Override
    public void lock(LockRequest request, StreamObserver<LockResponse> out) {
        byte[] name = request.getName().toByteArray();
        Context call = Context.current();
        CompletableFuture<LockResponse> result;
        try {
            ctx.auth().checkWrite(KeyQueue.prefix(name), Bytes.prefixEnd(KeyQueue.prefix(name)));
            result = queue.enqueue(name, request.getLease(), Bytes.EMPTY).thenCompose(entry -> {
                CompletableFuture<Long> turn = queue.awaitTurn(name, entry);
                // A caller that gives up must not leave its key queued ahead of others.
                call.addListener(c -> {
                    if (turn.cancel(false)) {
                        queue.release(entry.key(), entry.createRevision());
                    }
                }, Runnable::run);
                return turn.thenApply(rev -> LockResponse.newBuilder().setHeader(ctx.headers().now())
                        .setKey(ByteString.copyFrom(entry.key())).build());
            });
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    @Override
    public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> out) {
        CompletableFuture<UnlockResponse> result;
        try {
            ctx.auth().checkWrite(request.getKey().toByteArray(), Bytes.EMPTY);
            result = queue.delete(request.getKey().toByteArray())
                    .thenApply(rev -> UnlockResponse.newBuilder().setHeader(ctx.headers().at(rev)).build());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }
}
