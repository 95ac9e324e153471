package dev.cachai.etcd.concurrency;

import com.google.protobuf.ByteString;
import dev.cachai.engine.Bytes;
import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.result.TxnResult;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.kv.KvProtos;
import dev.cachai.etcd.proto.v3electionpb.CampaignRequest;
import dev.cachai.etcd.proto.v3electionpb.CampaignResponse;
import dev.cachai.etcd.proto.v3electionpb.ElectionGrpc;
import dev.cachai.etcd.proto.v3electionpb.LeaderKey;
import dev.cachai.etcd.proto.v3electionpb.LeaderRequest;
import dev.cachai.etcd.proto.v3electionpb.LeaderResponse;
import dev.cachai.etcd.proto.v3electionpb.ProclaimRequest;
import dev.cachai.etcd.proto.v3electionpb.ProclaimResponse;
import dev.cachai.etcd.proto.v3electionpb.ResignRequest;
import dev.cachai.etcd.proto.v3electionpb.ResignResponse;
import dev.cachai.etcd.support.Calls;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** etcd's v3election service on the same key queue as the lock service. */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {
    /** etcd's v3election errors travel as plain text (gRPC code Unknown). */
    static final String NOT_LEADER = "election: not leader";
    static final String NO_LEADER = "election: no leader";
    static final String MISSING_LEADER_KEY = "\"leader\" field must be provided";

    private final EtcdContext ctx;
    private final KeyQueue queue;

    public ElectionService(EtcdContext ctx) {
        this.ctx = ctx;
        this.queue = new KeyQueue(ctx);
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> out) {
        byte[] name = request.getName().toByteArray();
        byte[] value = request.getValue().toByteArray();
        Context call = Context.current();
        CompletableFuture<CampaignResponse> result;
        try {
            ctx.auth().checkWrite(KeyQueue.prefix(name), Bytes.prefixEnd(KeyQueue.prefix(name)));
            result = queue.enqueue(name, request.getLease(), value).thenCompose(e -> proclaimIfChanged(e, value))
                    .thenCompose(e -> {
                        CompletableFuture<Boolean> turn = queue.awaitTurn(name, e);
                        call.addListener(c -> {
                            if (turn.cancel(false)) {
                                queue.release(e.key(), e.createRevision());
                            }
                        }, Runnable::run);
                        // etcd answers with the header of the txn that queued the key, however long it waited.
                        return turn.thenApply(waited -> CampaignResponse.newBuilder()
                                .setHeader(ctx.headers().at(e.revision()))
                                .setLeader(LeaderKey.newBuilder().setName(request.getName())
                                        .setKey(ByteString.copyFrom(e.key())).setRev(e.createRevision())
                                        .setLease(e.lease())).build());
                    });
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, ClientErrors.unknownOnFailure(result), r -> r);
    }

    /** A campaign that finds its key queued by an earlier one with another value proclaims its own. */
    private CompletableFuture<KeyQueue.Entry> proclaimIfChanged(KeyQueue.Entry e, byte[] value) {
        if (e.earlierValue() == null || Arrays.equals(e.earlierValue(), value)) {
            return CompletableFuture.completedFuture(e);
        }
        // etcd resigns a campaign whose proclaim failed (the lease gone, say), then fails it.
        return proclaim(e.key(), e.createRevision(), e.lease(), value).handle((revision, failure) -> failure)
                .thenCompose(failure -> failure == null ? CompletableFuture.completedFuture(e)
                        : queue.release(e.key(), e.createRevision()).handle((revision, ignored) -> {
                            throw ClientErrors.unknown(failure);
                        }));
    }

    /** Puts {@code value} on the leader key if it still has {@code createRevision}; else "not leader". */
    private CompletableFuture<Long> proclaim(byte[] key, long createRevision, long lease, byte[] value) {
        Txn txn = new Txn(List.of(Compare.createRevision(key, Compare.Result.EQUAL, createRevision)),
                List.of(new TxnOp.PutOp(new Put(key, value, lease, false, false, false))), List.of());
        return Calls.propose(ctx.gateway(), txn).thenApply(r -> {
            if (!((TxnResult) r).succeeded()) {
                throw ClientErrors.unknown(NOT_LEADER);
            }
            return r.revision();
        });
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> out) {
        CompletableFuture<ProclaimResponse> result;
        try {
            LeaderKey leader = requireLeader(request.hasLeader(), request.getLeader());
            byte[] key = leader.getKey().toByteArray();
            ctx.auth().checkWrite(key, Bytes.EMPTY);
            result = queue.sessionLease(leader.getLease())
                    .thenCompose(lease -> proclaim(key, leader.getRev(), lease, request.getValue().toByteArray()))
                    .thenApply(revision -> ProclaimResponse.newBuilder().setHeader(ctx.headers().at(revision)).build());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, ClientErrors.unknownOnFailure(result), r -> r);
    }

    /** etcd's v3election refuses a Proclaim or Resign without a leader key before anything else. */
    private static LeaderKey requireLeader(boolean present, LeaderKey leader) {
        if (!present) {
            throw ClientErrors.unknown(MISSING_LEADER_KEY);
        }
        return leader;
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> out) {
        Calls.now(out, () -> {
            try {
                byte[] name = request.getName().toByteArray();
                ctx.auth().checkRead(KeyQueue.prefix(name), Bytes.prefixEnd(KeyQueue.prefix(name)));
                KeyValue first = queue.first(name);
                if (first == null) {
                    throw ClientErrors.unknown(NO_LEADER);
                }
                return LeaderResponse.newBuilder().setHeader(ctx.headers().now()).setKv(KvProtos.kv(first)).build();
            } catch (RuntimeException e) {
                throw ClientErrors.unknown(e);
            }
        });
    }

    /** Streams the leader's key each time leadership or the proclaimed value changes. */
    @Override
    public void observe(LeaderRequest request, StreamObserver<LeaderResponse> responses) {
        byte[] name = request.getName().toByteArray();
        byte[] prefix = KeyQueue.prefix(name);
        var out = (ServerCallStreamObserver<LeaderResponse>) responses;
        try {
            ctx.auth().checkRead(prefix, Bytes.prefixEnd(prefix));
        } catch (RuntimeException e) {
            out.onError(dev.cachai.etcd.support.Errors.from(e));
            return;
        }
        long[] lastSent = {-1, -1};
        Consumer<Change> observer = change -> {
            if (change.events().stream().anyMatch(e -> Bytes.startsWith(e.kv().key(), prefix))) {
                sendLeader(name, out, lastSent);
            }
        };
        ctx.watches().addObserver(observer);
        out.setOnCancelHandler(() -> ctx.watches().removeObserver(observer));
        sendLeader(name, out, lastSent);
    }

    private void sendLeader(byte[] name, ServerCallStreamObserver<LeaderResponse> out, long[] lastSent) {
        synchronized (lastSent) {
            KeyValue first = queue.first(name);
            if (first == null || out.isCancelled()
                    || first.createRevision() == lastSent[0] && first.modRevision() == lastSent[1]) {
                return;
            }
            lastSent[0] = first.createRevision();
            lastSent[1] = first.modRevision();
            out.onNext(LeaderResponse.newBuilder().setHeader(ctx.headers().now()).setKv(KvProtos.kv(first)).build());
        }
    }

    @Override
    public void resign(ResignRequest request, StreamObserver<ResignResponse> out) {
        CompletableFuture<ResignResponse> result;
        try {
            LeaderKey leader = requireLeader(request.hasLeader(), request.getLeader());
            ctx.auth().checkWrite(leader.getKey().toByteArray(), Bytes.EMPTY);
            result = queue.sessionLease(leader.getLease())
                    .thenCompose(lease -> queue.release(leader.getKey().toByteArray(), leader.getRev()))
                    .thenApply(rev -> ResignResponse.newBuilder().setHeader(ctx.headers().at(rev)).build());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, ClientErrors.unknownOnFailure(result), r -> r);
    }
}
