package dev.cachai.engine.kv;

import java.util.Arrays;

/**
 * One immutable version of a key: what etcd calls a KeyValue, plus the ZooKeeper fields that
 * change with each version (ctime, mtime, and null data). A tombstone (version 0) marks a delete.
 * Versions of one key form a chain, newest first, so reads at an old revision walk back.
 */
public final class KeyValue {
    private final byte[] key;
    private final byte[] value;
    private final boolean nullValue;
    private final long createRevision;
    private final long modRevision;
    private final long version;
    private final long lease;
    private final long ctimeMs;
    private final long mtimeMs;
    /** The previous version; cut by compaction (written only by the apply thread). */
    KeyValue older;

    KeyValue(byte[] key, byte[] value, boolean nullValue, long createRevision, long modRevision,
             long version, long lease, long ctimeMs, long mtimeMs, KeyValue older) {
        this.key = key;
        this.value = value;
        this.nullValue = nullValue;
        this.createRevision = createRevision;
        this.modRevision = modRevision;
        this.version = version;
        this.lease = lease;
        this.ctimeMs = ctimeMs;
        this.mtimeMs = mtimeMs;
        this.older = older;
    }

    static KeyValue tombstone(byte[] key, long revision, KeyValue older) {
        return new KeyValue(key, KvStore.NO_BYTES, false, 0, revision, 0, 0, 0, 0, older);
    }

    /** A standalone copy for building values outside the store (tests, snapshots). */
    public static KeyValue of(byte[] key, byte[] value, long createRevision, long modRevision,
                              long version, long lease) {
        return new KeyValue(key, value, false, createRevision, modRevision, version, lease, 0, 0, null);
    }

    public byte[] key() { return key; }
    /** The value; empty (never null) when ZooKeeper stored null data, see {@link #isNullValue()}. */
    public byte[] value() { return value; }
    public boolean isNullValue() { return nullValue; }
    public long createRevision() { return createRevision; }
    public long modRevision() { return modRevision; }
    public long version() { return version; }
    public long lease() { return lease; }
    public long ctimeMs() { return ctimeMs; }
    public long mtimeMs() { return mtimeMs; }
    public boolean isTombstone() { return version == 0; }

    /** The newest version at or below {@code rev} in this chain, or null. */
    KeyValue at(long rev) {
        KeyValue v = this;
        while (v != null && v.modRevision > rev) {
            v = v.older;
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value)
                && nullValue == kv.nullValue && createRevision == kv.createRevision
                && modRevision == kv.modRevision && version == kv.version && lease == kv.lease
                && ctimeMs == kv.ctimeMs && mtimeMs == kv.mtimeMs;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Long.hashCode(modRevision);
    }

    @Override
    public String toString() {
        return "KeyValue{" + new String(key, java.nio.charset.StandardCharsets.UTF_8) + " c=" + createRevision
                + " m=" + modRevision + " v=" + version + " lease=" + lease + " len=" + value.length + "}";
    }
}
