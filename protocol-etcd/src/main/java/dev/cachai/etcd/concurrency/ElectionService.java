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
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** etcd's v3election service on the same key queue as the lock service. */
public final class ElectionService extends ElectionGrpc.ElectionImplBase {
    /** etcd's v3election errors travel as plain text (gRPC code Unknown). */
    static final String NOT_LEADER = "election: not leader";
    static final String NO_LEADER = "election: no leader";

    private final EtcdContext ctx;
    private final KeyQueue queue;

    public ElectionService(EtcdContext ctx) {
        this.ctx = ctx;
        this.queue = new KeyQueue(ctx);
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> out) {
        byte[] name = request.getName().toByteArray();
        Context call = Context.current();
        CompletableFuture<CampaignResponse> result;
        try {
            ctx.auth().checkWrite(KeyQueue.prefix(name), Bytes.prefixEnd(KeyQueue.prefix(name)));
            result = queue.enqueue(name, request.getLease(), request.getValue().toByteArray()).thenCompose(e -> {
                CompletableFuture<Long> turn = queue.awaitTurn(name, e);
                call.addListener(c -> {
                    if (turn.cancel(false)) {
                        queue.release(e.key(), e.createRevision());
                    }
                }, Runnable::run);
                return turn.thenApply(rev -> CampaignResponse.newBuilder().setHeader(ctx.headers().now())
                        .setLeader(LeaderKey.newBuilder().setName(request.getName())
                                .setKey(ByteString.copyFrom(e.key())).setRev(e.createRevision())
                                .setLease(e.lease())).build());
            });
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> out) {
        LeaderKey leader = request.getLeader();
        byte[] key = leader.getKey().toByteArray();
        Txn txn = new Txn(List.of(Compare.createRevision(key, Compare.Result.EQUAL, leader.getRev())),
                List.of(new TxnOp.PutOp(new Put(key, request.getValue().toByteArray(), leader.getLease(),
                        false, false, false))), List.of());
        CompletableFuture<ProclaimResponse> result;
        try {
            ctx.auth().checkWrite(key, Bytes.EMPTY);
            result = Calls.propose(ctx.gateway(), txn).thenApply(r -> {
                if (!((TxnResult) r).succeeded()) {
                    throw Status.UNKNOWN.withDescription(NOT_LEADER).asRuntimeException();
                }
                return ProclaimResponse.newBuilder().setHeader(ctx.headers().at(r.revision())).build();
            });
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> out) {
        Calls.now(out, () -> {
            byte[] name = request.getName().toByteArray();
            ctx.auth().checkRead(KeyQueue.prefix(name), Bytes.prefixEnd(KeyQueue.prefix(name)));
            KeyValue first = queue.first(name);
            if (first == null) {
                throw Status.UNKNOWN.withDescription(NO_LEADER).asRuntimeException();
            }
            return LeaderResponse.newBuilder().setHeader(ctx.headers().now()).setKv(KvProtos.kv(first)).build();
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
        LeaderKey leader = request.getLeader();
        CompletableFuture<ResignResponse> result;
        try {
            ctx.auth().checkWrite(leader.getKey().toByteArray(), Bytes.EMPTY);
            result = queue.release(leader.getKey().toByteArray(), leader.getRev())
                    .thenApply(rev -> ResignResponse.newBuilder().setHeader(ctx.headers().at(rev)).build());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }
}
