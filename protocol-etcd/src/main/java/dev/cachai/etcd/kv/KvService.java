package dev.cachai.etcd.kv;

import dev.cachai.engine.EngineException;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.TxnChecks;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.result.CompactResult;
import dev.cachai.engine.result.DeleteResult;
import dev.cachai.engine.result.PutResult;
import dev.cachai.engine.result.RangeResult;
import dev.cachai.engine.result.TxnResult;
import dev.cachai.etcd.auth.AuthGuard;
import dev.cachai.etcd.auth.AuthInfo;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.etcdserverpb.CompactionRequest;
import dev.cachai.etcd.proto.etcdserverpb.CompactionResponse;
import dev.cachai.etcd.proto.etcdserverpb.DeleteRangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.DeleteRangeResponse;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutResponse;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeResponse;
import dev.cachai.etcd.proto.etcdserverpb.TxnRequest;
import dev.cachai.etcd.proto.etcdserverpb.TxnResponse;
import dev.cachai.etcd.support.Calls;
import dev.cachai.etcd.support.EtcdException;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** etcd's KV service: reads from the local engine (after a read barrier unless serializable), writes proposed. */
public final class KvService extends KVGrpc.KVImplBase {
    private final EtcdContext ctx;

    public KvService(EtcdContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
        CompletableFuture<RangeResponse> result;
        try {
            dev.cachai.engine.kv.RangeRequest r = toRange(request);
            ctx.auth().checkRead(r.key(), r.rangeEnd());
            AuthInfo caller = AuthGuard.caller();
            ctx.metrics().mvcc().ranged();
            result = request.getSerializable()
                    ? CompletableFuture.completedFuture(read(r, caller))
                    : ctx.gateway().readBarrier().thenApply(ignored -> read(r, caller));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    /** Validates a Range the way etcd does before serving it. */
    public static dev.cachai.engine.kv.RangeRequest toRange(RangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw new EtcdException(EtcdError.EMPTY_KEY);
        }
        return KvProtos.range(request);
    }

    private RangeResponse read(dev.cachai.engine.kv.RangeRequest r, AuthInfo caller) {
        try {
            RangeResult result = ctx.engine().range(r);
            ctx.auth().checkRevisionUnchanged(caller);
            return KvProtos.rangeResponse(ctx.headers().at(result.revision()), result);
        } catch (EngineException e) {
            throw new EtcdException(e.error());
        }
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
        CompletableFuture<PutResponse> result;
        try {
            Put put = KvProtos.put(request);
            if (put.key().length == 0) {
                throw new EtcdException(EtcdError.EMPTY_KEY);
            }
            ctx.auth().checkWrite(put.key(), dev.cachai.engine.Bytes.EMPTY);
            if (put.prevKv()) {
                ctx.auth().checkRead(put.key(), dev.cachai.engine.Bytes.EMPTY);
            }
            ctx.alarms().checkWrite(request.getSerializedSize());
            result = Calls.propose(ctx.gateway(), put)
                    .thenApply(r -> KvProtos.putResponse(ctx.headers().at(r.revision()), (PutResult) r));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
        CompletableFuture<DeleteRangeResponse> result;
        try {
            DeleteRange delete = KvProtos.delete(request);
            if (delete.key().length == 0) {
                throw new EtcdException(EtcdError.EMPTY_KEY);
            }
            ctx.auth().checkWrite(delete.key(), delete.rangeEnd());
            if (delete.prevKv()) {
                ctx.auth().checkRead(delete.key(), delete.rangeEnd());
            }
            result = Calls.propose(ctx.gateway(), delete)
                    .thenApply(r -> KvProtos.deleteResponse(ctx.headers().at(r.revision()), (DeleteResult) r));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
        CompletableFuture<TxnResponse> result;
        try {
            Txn txn = KvProtos.txn(request);
            EtcdError invalid = TxnChecks.validate(txn, ctx.config().txnOpsMax());
            if (invalid != null) {
                throw new EtcdException(invalid);
            }
            ctx.auth().checkTxn(txn);
            if (hasPuts(txn)) {
                ctx.alarms().checkWrite(request.getSerializedSize());
            }
            result = Calls.propose(ctx.gateway(), txn)
                    .thenApply(r -> KvProtos.txnResponse(ctx.headers().at(r.revision()), (TxnResult) r));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    static boolean hasPuts(Txn txn) {
        return hasPuts(txn.success()) || hasPuts(txn.failure());
    }

    private static boolean hasPuts(List<TxnOp> ops) {
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.PutOp || op instanceof TxnOp.TxnOpNested n && hasPuts(n.txn())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> out) {
        CompletableFuture<CompactionResponse> result;
        try {
            // The engine compacts in memory as part of apply, so "physical" holds once applied.
            result = Calls.propose(ctx.gateway(), new Compact(request.getRevision()))
                    .thenApply(r -> CompactionResponse.newBuilder()
                            .setHeader(ctx.headers().at(((CompactResult) r).revision())).build());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }
}
