package dev.cachai.engine.kv;

import dev.cachai.engine.Bytes;

/** etcd RangeRequest with every option. Empty rangeEnd = the single key; {0} = every key >= key. */
public record RangeRequest(byte[] key, byte[] rangeEnd, long limit, long revision, SortOrder sortOrder,
                           SortTarget sortTarget, boolean keysOnly, boolean countOnly,
                           long minModRevision, long maxModRevision, long minCreateRevision,
                           long maxCreateRevision) {
    /** {@code UNKNOWN}: a number etcd has no name for; etcd then sorts by neither order. */
    public enum SortOrder { NONE, ASCEND, DESCEND, UNKNOWN }
    public enum SortTarget { KEY, VERSION, CREATE, MOD, VALUE }

    public static RangeRequest key(byte[] key) {
        return range(key, Bytes.EMPTY);
    }

    public static RangeRequest prefix(byte[] prefix) {
        return range(prefix, Bytes.prefixEnd(prefix));
    }

    public static RangeRequest range(byte[] key, byte[] rangeEnd) {
        return new RangeRequest(key, rangeEnd, 0, 0, SortOrder.NONE, SortTarget.KEY, false, false, 0, 0, 0, 0);
    }

    public RangeRequest withLimit(long newLimit) {
        return new RangeRequest(key, rangeEnd, newLimit, revision, sortOrder, sortTarget, keysOnly, countOnly,
                minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    public RangeRequest atRevision(long rev) {
        return new RangeRequest(key, rangeEnd, limit, rev, sortOrder, sortTarget, keysOnly, countOnly,
                minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }
}
