package dev.cachai.engine;

import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.result.DeleteResult;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.PutResult;
import dev.cachai.engine.result.RangeResult;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.TxnResult;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Applies etcd's KV mutations (Put, DeleteRange, Txn) within one revision. */
final class KvApplier {
    private final EngineState s;
    private final EngineLimits limits;

    KvApplier(EngineState s, EngineLimits limits) {
        this.s = s;
        this.limits = limits;
    }

    /** etcd's per-request checks that need the current state (lease exists, ignore_* on a live key). */
    EtcdError checkPut(Put p, long readRev) {
        EtcdError invalid = TxnChecks.checkPut(p);
        if (invalid != null) {
            return invalid;
        }
        if ((p.ignoreValue() || p.ignoreLease()) && s.kv.get(p.key(), readRev) == null) {
            return EtcdError.KEY_NOT_FOUND;
        }
        if (p.lease() != 0 && !s.leases.exists(p.lease())) {
            return EtcdError.LEASE_NOT_FOUND;
        }
        if (!ZkGuard.putAllowed(s, p.key(), readRev)) {
            return EtcdError.PERMISSION_DENIED;
        }
        return null;
    }

    Result put(WriteTxn w, Put p) {
        EtcdError err = checkPut(p, s.revision);
        if (err != null) {
            return new Failed(s.revision, err);
        }
        KeyValue prev = doPut(w, p);
        return new PutResult(w.revision, p.prevKv() ? prev : null);
    }

    private KeyValue doPut(WriteTxn w, Put p) {
        KeyValue current = p.ignoreValue() || p.ignoreLease() ? s.kv.get(p.key(), w.revision) : null;
        byte[] value = p.ignoreValue() ? current.value() : p.value();
        long lease = p.ignoreLease() ? current.lease() : p.lease();
        return w.put(p.key(), value, false, lease);
    }

    Result delete(WriteTxn w, DeleteRange d, long readRev) {
        if (d.key().length == 0) {
            return new Failed(s.revision, EtcdError.EMPTY_KEY);
        }
        List<KeyValue> victims = new ArrayList<>();
        KvReads.visit(s, d.key(), d.rangeEnd(), readRev, victims::add);
        if (!deletesAllowed(victims, readRev)) {
            return new Failed(s.revision, EtcdError.PERMISSION_DENIED);
        }
        for (KeyValue kv : victims) {
            w.delete(kv.key());
        }
        return new DeleteResult(w.wrote() ? w.revision : s.revision, victims.size(),
                d.prevKv() ? victims : List.of());
    }

    private boolean deletesAllowed(List<KeyValue> victims, long rev) {
        for (KeyValue kv : victims) {
            if (!ZkGuard.deleteAllowed(s, kv.key(), rev)) {
                return false;
            }
        }
        return true;
    }

    Result txn(WriteTxn w, Txn t) {
        EtcdError err = TxnChecks.validate(t, limits.txnOpsMax());
        if (err != null) {
            return new Failed(s.revision, err);
        }
        // As etcd does, every branch is chosen up front, nested txns' too, by compares against the
        // state before the txn: a nested compare does not see the writes of ops before it.
        List<Boolean> path = new ArrayList<>();
        choosePath(t, s.revision, path);
        List<TxnOp> chosen = new ArrayList<>();
        collectChosen(t, path.iterator(), chosen);
        err = checkChosen(chosen, s.revision);
        if (err != null) {
            return new Failed(s.revision, err);
        }
        TxnResult r = runBranch(w, t, path.iterator());
        return new TxnResult(w.wrote() ? w.revision : s.revision, r.succeeded(), r.responses());
    }

    /** Each txn's compare outcome, the outer one first, then its chosen branch's nested txns depth first. */
    private void choosePath(Txn t, long rev, List<Boolean> path) {
        boolean ok = compares(t.compares(), rev);
        path.add(ok);
        for (TxnOp op : ok ? t.success() : t.failure()) {
            if (op instanceof TxnOp.TxnOpNested n) {
                choosePath(n.txn(), rev, path);
            }
        }
    }

    /** The puts, ranges and deletes the path runs, in order. */
    private static void collectChosen(Txn t, Iterator<Boolean> path, List<TxnOp> out) {
        for (TxnOp op : path.next() ? t.success() : t.failure()) {
            if (op instanceof TxnOp.TxnOpNested n) {
                collectChosen(n.txn(), path, out);
            } else {
                out.add(op);
            }
        }
    }

    /**
     * etcd checks every put of the chosen branches first (lease, ignore_* on a live key), then
     * every range (compacted or future revision), so a txn failing both answers the put's error.
     * The ZooKeeper ACLs on deletes are ours and come last.
     */
    private EtcdError checkChosen(List<TxnOp> chosen, long rev) {
        for (TxnOp op : chosen) {
            EtcdError e = op instanceof TxnOp.PutOp p ? checkPut(p.put(), rev) : null;
            if (e != null) {
                return e;
            }
        }
        for (TxnOp op : chosen) {
            if (op instanceof TxnOp.RangeOp r && KvReads.range(s, r.range(), rev) instanceof EtcdError e) {
                return e;
            }
        }
        for (TxnOp op : chosen) {
            if (op instanceof TxnOp.DeleteOp d) {
                List<KeyValue> victims = new ArrayList<>();
                KvReads.visit(s, d.delete().key(), d.delete().rangeEnd(), rev, victims::add);
                if (!deletesAllowed(victims, rev)) {
                    return EtcdError.PERMISSION_DENIED;
                }
            }
        }
        return null;
    }

    /** Runs the branch the path chose; reads inside see the txn's earlier writes, as etcd's do. */
    private TxnResult runBranch(WriteTxn w, Txn t, Iterator<Boolean> path) {
        boolean ok = path.next();
        List<Result> responses = new ArrayList<>();
        for (TxnOp op : ok ? t.success() : t.failure()) {
            if (op instanceof TxnOp.TxnOpNested n) {
                responses.add(runBranch(w, n.txn(), path));
            } else {
                responses.add(runOp(w, op, w.wrote() ? w.revision : s.revision));
            }
        }
        return new TxnResult(w.revision, ok, responses);
    }

    private Result runOp(WriteTxn w, TxnOp op, long readRev) {
        if (op instanceof TxnOp.RangeOp r) {
            return (RangeResult) KvReads.range(s, r.range(), readRev);
        } else if (op instanceof TxnOp.PutOp p) {
            return new PutResult(w.revision, p.put().prevKv() ? doPut(w, p.put()) : withoutPrev(w, p.put()));
        }
        return delete(w, ((TxnOp.DeleteOp) op).delete(), readRev);
    }

    private KeyValue withoutPrev(WriteTxn w, Put p) {
        doPut(w, p);
        return null;
    }

    private boolean compares(List<Compare> compares, long rev) {
        for (Compare c : compares) {
            if (!compare(c, rev)) {
                return false;
            }
        }
        return true;
    }

    private boolean compare(Compare c, long rev) {
        List<KeyValue> kvs = new ArrayList<>();
        KvReads.visit(s, c.key(), c.rangeEnd(), rev, kvs::add);
        if (kvs.isEmpty()) {
            return c.target() != Compare.Target.VALUE && holds(c, KeyValue.of(c.key(), Bytes.EMPTY, 0, 0, 0, 0));
        }
        for (KeyValue kv : kvs) {
            if (!holds(c, kv)) {
                return false;
            }
        }
        return true;
    }

    private static boolean holds(Compare c, KeyValue kv) {
        int r = switch (c.target()) {
            case VALUE -> Bytes.compare(kv.value(), c.value() == null ? Bytes.EMPTY : c.value());
            case VERSION -> Long.compare(kv.version(), c.version());
            case CREATE -> Long.compare(kv.createRevision(), c.createRevision());
            case MOD -> Long.compare(kv.modRevision(), c.modRevision());
            case LEASE -> Long.compare(kv.lease(), c.lease());
            case UNKNOWN -> 0;
        };
        return switch (c.result()) {
            case EQUAL -> r == 0;
            case NOT_EQUAL -> r != 0;
            case GREATER -> r > 0;
            case LESS -> r < 0;
            case UNKNOWN -> true;
        };
    }
}
