package dev.cachai.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.cachai.engine.Bytes;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.etcdserverpb.ResponseHeader;
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
    /** etcd's mutex error when the waiter's own key went while it waited. */
    static final String SESSION_EXPIRED = "mutex: session is expired";

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
                CompletableFuture<Boolean> turn = queue.awaitTurn(name, entry);
                // A caller that gives up must not leave its key queued ahead of others.
                call.addListener(c -> {
                    if (turn.cancel(false)) {
                        queue.release(entry.key(), entry.createRevision());
                    }
                }, Runnable::run);
                return turn.thenApply(waited -> response(entry, waited));
            });
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, ClientErrors.unknownOnFailure(result), r -> r);
    }

    /**
     * etcd answers a lock it got at once with the header of the txn that queued it; a lock that
     * waited reads its key again, and fails if the key went meanwhile (its lease revoked, or
     * the key deleted), even though the turn came.
     */
    private LockResponse response(KeyQueue.Entry entry, boolean waited) {
        ResponseHeader header = ctx.headers().at(entry.revision());
        if (waited) {
            header = ctx.headers().now();
            if (queue.get(entry.key()) == null) {
                throw ClientErrors.unknown(SESSION_EXPIRED);
            }
        }
        return LockResponse.newBuilder().setHeader(header).setKey(ByteString.copyFrom(entry.key())).build();
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
        Calls.reply(out, ClientErrors.unknownOnFailure(result), r -> r);
    }
}
