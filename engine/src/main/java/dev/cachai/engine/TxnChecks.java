package dev.cachai.engine;

import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * etcd's static Txn checks, made before the txn reads anything: op counts, empty keys and put
 * flags in both branches, and that no key is written twice in what one execution can run
 * (etcd's checkIntervals). Deletes may overlap each other.
 */
public final class TxnChecks {
    private TxnChecks() {}

    /**
     * The error etcd's gRPC layer answers for this txn before running it, or null: first the op
     * counts and every op of both branches, nested txns included (checkTxnRequest), then writes
     * of one key twice (checkIntervals).
     */
    public static EtcdError validate(Txn txn, int opsMax) {
        EtcdError e = checkRequest(txn, opsMax);
        if (e != null) {
            return e;
        }
        try {
            intervals(txn.success());
            intervals(txn.failure());
            return null;
        } catch (DuplicateKey d) {
            return EtcdError.DUPLICATE_KEY;
        }
    }

    /**
     * A txn may hold as many compares, and as many ops per branch, as {@code opsMax}; a nested
     * txn only as many as its parent left (etcd passes the budget minus the parent's count down).
     */
    private static EtcdError checkRequest(Txn txn, int opsMax) {
        int count = Math.max(txn.compares().size(), Math.max(txn.success().size(), txn.failure().size()));
        if (count > opsMax) {
            return EtcdError.TOO_MANY_OPS;
        }
        for (Compare c : txn.compares()) {
            if (c.key().length == 0) {
                return EtcdError.EMPTY_KEY;
            }
        }
        for (TxnOp op : concat(txn.success(), txn.failure())) {
            EtcdError e = checkOp(op, opsMax - count);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    private static EtcdError checkOp(TxnOp op, int opsMax) {
        if (op instanceof TxnOp.TxnOpNested n) {
            return checkRequest(n.txn(), opsMax);
        }
        if (op instanceof TxnOp.PutOp p) {
            return checkPut(p.put());
        }
        if (op instanceof TxnOp.EmptyOp) {
            return EtcdError.KEY_NOT_FOUND;
        }
        byte[] key = op instanceof TxnOp.DeleteOp d ? d.delete().key() : ((TxnOp.RangeOp) op).range().key();
        return key.length == 0 ? EtcdError.EMPTY_KEY : null;
    }

    /** etcd's checkPutRequest: what a put may not carry, alone or in a txn. */
    public static EtcdError checkPut(Put p) {
        if (p.key().length == 0) {
            return EtcdError.EMPTY_KEY;
        }
        if (p.ignoreValue() && p.value().length != 0) {
            return EtcdError.VALUE_PROVIDED;
        }
        if (p.ignoreLease() && p.lease() != 0) {
            return EtcdError.LEASE_PROVIDED;
        }
        return null;
    }

    private static final class DuplicateKey extends Exception {
        DuplicateKey() {
            super(null, null, false, false);
        }
    }

    private record Writes(Set<Key> puts, List<DeleteRange> dels) {}

    private record Key(byte[] b) {
        @Override public boolean equals(Object o) { return o instanceof Key k && java.util.Arrays.equals(b, k.b); }
        @Override public int hashCode() { return java.util.Arrays.hashCode(b); }
    }

    private static Writes intervals(List<TxnOp> ops) throws DuplicateKey {
        List<DeleteRange> dels = new ArrayList<>();
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.DeleteOp d) {
                dels.add(d.delete());
            }
        }
        Set<Key> puts = new HashSet<>();
        for (TxnOp op : ops) {
            if (!(op instanceof TxnOp.TxnOpNested n)) {
                continue;
            }
            Writes then = intervals(n.txn().success());
            Writes otherwise = intervals(n.txn().failure());
            for (Key k : then.puts()) {
                if (puts.contains(k) || covered(dels, k.b())) throw new DuplicateKey();
                puts.add(k);
            }
            for (Key k : otherwise.puts()) {
                if (puts.contains(k) && !then.puts().contains(k) || covered(dels, k.b())) throw new DuplicateKey();
                puts.add(k);
            }
            dels.addAll(then.dels());
            dels.addAll(otherwise.dels());
        }
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.PutOp p) {
                Key k = new Key(p.put().key());
                if (puts.contains(k) || covered(dels, k.b())) throw new DuplicateKey();
                puts.add(k);
            }
        }
        return new Writes(puts, dels);
    }

    private static boolean covered(List<DeleteRange> dels, byte[] key) {
        for (DeleteRange d : dels) {
            byte[] end = d.rangeEnd();
            if (end.length == 0) {
                if (java.util.Arrays.equals(d.key(), key)) return true;
            } else if (Bytes.compare(key, d.key()) >= 0
                    && (end.length == 1 && end[0] == 0 || Bytes.compare(key, end) < 0)) {
                return true;
            }
        }
        return false;
    }

    private static List<TxnOp> concat(List<TxnOp> a, List<TxnOp> b) {
        List<TxnOp> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
