package dev.cachai.etcd.concurrency;

import dev.cachai.engine.Bytes;
import dev.cachai.engine.EngineException;
import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.LeaseGrantResult;
import dev.cachai.engine.result.RangeResult;
import dev.cachai.engine.result.TxnResult;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.lease.LeaseGrants;
import dev.cachai.etcd.support.Calls;
import dev.cachai.etcd.support.EtcdException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The queue that etcd's lock and election recipes build from KV and leases: each contender owns
 * {@code <name>/<lease-hex>}; it holds the lock (leads) once every key under the name with a
 * lower create revision is gone.
 */
final class KeyQueue {
    /**
     * A contender's key, the create revision that orders it, its lease, and the revision the
     * queueing txn answered at; {@code earlierValue} is null when that txn created the key, else
     * the value it found (an earlier call with the same lease queued it).
     */
    record Entry(byte[] key, long createRevision, long lease, long revision, byte[] earlierValue) {}

    /** etcd's concurrency sessions: a call that brings no lease gets one of this TTL, not kept alive. */
    static final long SESSION_TTL_SECONDS = 60;

    private final EtcdContext ctx;
    private final LeaseGrants grants;

    KeyQueue(EtcdContext ctx) {
        this.ctx = ctx;
        this.grants = new LeaseGrants(ctx);
    }

    /**
     * The lease a call works under, as etcd's session for it: {@code lease}, or when it is 0 a
     * fresh lease. (etcd's session would also keep a lease alive, but its server orphans the
     * session before the first renewal goes out.)
     */
    CompletableFuture<Long> sessionLease(long lease) {
        if (lease != 0) {
            return CompletableFuture.completedFuture(lease);
        }
        return grants.grant(0, SESSION_TTL_SECONDS).thenApply(LeaseGrantResult::id);
    }

    static byte[] prefix(byte[] name) {
        return Bytes.concat(name, Bytes.utf8("/"));
    }

    /**
     * Creates the contender key (or finds it from an earlier attempt with the same lease). Only
     * creating it needs the lease to exist: the txn refuses an unknown one then, as etcd's does.
     */
    CompletableFuture<Entry> enqueue(byte[] name, long lease, byte[] value) {
        return sessionLease(lease).thenCompose(id -> enqueueWithLease(name, id, value));
    }

    private CompletableFuture<Entry> enqueueWithLease(byte[] name, long lease, byte[] value) {
        byte[] key = Bytes.concat(prefix(name), Bytes.utf8(Long.toHexString(lease)));
        Txn txn = new Txn(List.of(Compare.createRevision(key, Compare.Result.EQUAL, 0)),
                List.of(new TxnOp.PutOp(new Put(key, value, lease, false, false, false))),
                List.of(new TxnOp.RangeOp(RangeRequest.key(key))));
        return Calls.propose(ctx.gateway(), txn).thenApply(r -> {
            TxnResult t = (TxnResult) r;
            if (t.succeeded()) {
                return new Entry(key, t.revision(), lease, t.revision(), null);
            }
            KeyValue existing = ((RangeResult) t.responses().get(0)).kvs().get(0);
            return new Entry(key, existing.createRevision(), lease, t.revision(), existing.value());
        });
    }

    /**
     * Completes once no key under {@code name} has a create revision below the entry's: true when
     * it had to wait for one to go.
     */
    CompletableFuture<Boolean> awaitTurn(byte[] name, Entry entry) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        step(name, entry, done, false);
        return done;
    }

    private void step(byte[] name, Entry entry, CompletableFuture<Boolean> done, boolean waited) {
        if (done.isDone()) {
            return;
        }
        RangeResult blocker;
        try {
            blocker = lastBefore(name, entry.createRevision());
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
        }
        if (blocker.kvs().isEmpty()) {
            done.complete(waited);
            return;
        }
        awaitDelete(blocker.kvs().get(0).key(), done).thenRun(() -> step(name, entry, done, true));
    }

    private RangeResult lastBefore(byte[] name, long createRevision) {
        byte[] p = prefix(name);
        RangeRequest r = new RangeRequest(p, Bytes.prefixEnd(p), 1, 0, RangeRequest.SortOrder.DESCEND,
                RangeRequest.SortTarget.CREATE, false, false, 0, 0, 0, createRevision - 1);
        return range(r);
    }

    /** The current owner: the key under {@code name} with the lowest create revision, or null. */
    KeyValue first(byte[] name) {
        byte[] p = prefix(name);
        RangeRequest r = new RangeRequest(p, Bytes.prefixEnd(p), 1, 0, RangeRequest.SortOrder.ASCEND,
                RangeRequest.SortTarget.CREATE, false, false, 0, 0, 0, 0);
        List<KeyValue> kvs = range(r).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** The key as it is now, or null. */
    KeyValue get(byte[] key) {
        List<KeyValue> kvs = range(RangeRequest.key(key)).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    private RangeResult range(RangeRequest r) {
        try {
            return ctx.engine().range(r);
        } catch (EngineException e) {
            throw new EtcdException(e.error());
        }
    }

    /** Completes when {@code key} is absent; registers before checking so no delete is missed. */
    private CompletableFuture<Void> awaitDelete(byte[] key, CompletableFuture<?> abandon) {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        Consumer<Change> observer = change -> {
            for (Event e : change.events()) {
                if (e.type() == Event.Type.DELETE && java.util.Arrays.equals(e.kv().key(), key)) {
                    gone.complete(null);
                }
            }
        };
        ctx.watches().addObserver(observer);
        gone.whenComplete((v, t) -> ctx.watches().removeObserver(observer));
        abandon.whenComplete((v, t) -> gone.cancel(false));
        if (get(key) == null) {
            gone.complete(null);
        }
        return gone;
    }

    /** Deletes the contender key if it is still this entry's (Unlock, Resign, abandoned waits). */
    CompletableFuture<Long> release(byte[] key, long createRevision) {
        Txn txn = new Txn(List.of(Compare.createRevision(key, Compare.Result.EQUAL, createRevision)),
                List.of(new TxnOp.DeleteOp(DeleteRange.of(key))), List.of());
        return Calls.propose(ctx.gateway(), txn).thenApply(r -> r.revision());
    }

    /** Unconditional delete (Unlock takes only the key). */
    CompletableFuture<Long> delete(byte[] key) {
        return Calls.propose(ctx.gateway(), DeleteRange.of(key)).thenApply(r -> r.revision());
    }
}
