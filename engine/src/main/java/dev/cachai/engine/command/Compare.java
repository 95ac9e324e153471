package dev.cachai.engine.command;

/**
 * One etcd Txn compare. {@code target} picks which field of the key is compared with the
 * matching operand; {@code rangeEnd} non-empty compares every key in the range (all must hold).
 */
public record Compare(Result result, Target target, byte[] key, byte[] rangeEnd, long version,
                      long createRevision, long modRevision, byte[] value, long lease) {
    /** {@code UNKNOWN}: a number etcd has no name for; etcd lets such a compare hold. */
    public enum Result { EQUAL, GREATER, LESS, NOT_EQUAL, UNKNOWN }

    /** {@code UNKNOWN}: a number etcd has no name for; etcd compares nothing, so the operands are equal. */
    public enum Target { VERSION, CREATE, MOD, VALUE, LEASE, UNKNOWN }

    public static Compare version(byte[] key, Result r, long v) {
        return new Compare(r, Target.VERSION, key, dev.cachai.engine.Bytes.EMPTY, v, 0, 0, null, 0);
    }

    public static Compare modRevision(byte[] key, Result r, long rev) {
        return new Compare(r, Target.MOD, key, dev.cachai.engine.Bytes.EMPTY, 0, 0, rev, null, 0);
    }

    public static Compare createRevision(byte[] key, Result r, long rev) {
        return new Compare(r, Target.CREATE, key, dev.cachai.engine.Bytes.EMPTY, 0, rev, 0, null, 0);
    }

    public static Compare value(byte[] key, Result r, byte[] value) {
        return new Compare(r, Target.VALUE, key, dev.cachai.engine.Bytes.EMPTY, 0, 0, 0, value, 0);
    }

    public static Compare lease(byte[] key, Result r, long lease) {
        return new Compare(r, Target.LEASE, key, dev.cachai.engine.Bytes.EMPTY, 0, 0, 0, null, lease);
    }
}
