package dev.cachai.engine.kv;

import dev.cachai.engine.Bytes;
import dev.cachai.engine.zk.NodeMeta;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

/**
 * The multi-version keyspace, ordered by unsigned bytes. One writer (the apply thread) and any
 * number of readers: versions are immutable and a reader at revision R ignores versions above R.
 */
public final class KvStore {
    static final byte[] NO_BYTES = new byte[0];

    /** The entries in key order, for scans (see {@link KeyTree} for why not a skip list). */
    private final KeyTree<Entry> ordered = new KeyTree<>();
    /**
     * The same entries by key content, for point lookups: a write looks its key up several times
     * (the node, its parent, their metas), and the ordered map pays a byte comparison per level
     * for each. ZooKeeper's DataTree is a hash map for the same reason. The ordered map stays
     * the one for scans.
     */
    private final ConcurrentHashMap<HashedKey, Entry> byKey = new ConcurrentHashMap<>();
    /**
     * Live keys whose node is a container or a TTL node: the only ones the leader's periodic reap
     * has to look at, so that it does not walk the whole keyspace.
     */
    private final ConcurrentSkipListSet<byte[]> reapCandidates = new ConcurrentSkipListSet<>(Bytes.UNSIGNED);
    /**
     * The entries that hold history (an older version, or a tombstone head): all a prune has to
     * visit. Walking the whole keyspace instead stalled the apply thread, and every write behind
     * it, for about a tenth of a second per compaction at half a million keys, though keys
     * written once (most ZooKeeper creates) have nothing to prune. Apply thread only.
     */
    private final ArrayList<Entry> withHistory = new ArrayList<>();
    private long liveKeys;
    /** Key plus value bytes of every live key (ZooKeeper's approximate data size: path plus data per node). */
    private volatile long liveBytes;
    /** Estimated bytes of every retained version: key + value + {@link #VERSION_OVERHEAD_BYTES}. */
    private volatile long retainedBytes;
    static final int VERSION_OVERHEAD_BYTES = 96;

    private Entry lookup(byte[] key) {
        return byKey.get(new HashedKey(key));
    }

    private void index(byte[] key, Entry e) {
        ordered.put(key, e);
        byKey.put(new HashedKey(key), e);
    }

    private void unindex(byte[] key) {
        ordered.remove(key);
        byKey.remove(new HashedKey(key));
    }

    /** The live version of {@code key} at {@code rev}, or null. */
    public KeyValue get(byte[] key, long rev) {
        Entry e = lookup(key);
        if (e == null) {
            return null;
        }
        KeyValue v = e.head.at(rev);
        return v == null || v.isTombstone() ? null : v;
    }

    /** The live version of an entry's key at {@code rev}, or null (saves a second map lookup). */
    public static KeyValue liveAt(Entry e, long rev) {
        KeyValue v = e.head.at(rev);
        return v == null || v.isTombstone() ? null : v;
    }

    public Entry entry(byte[] key) {
        return lookup(key);
    }

    public long liveKeys() {
        return liveKeys;
    }

    public long liveBytes() {
        return liveBytes;
    }

    private static long liveSize(KeyValue v) {
        return v == null || v.isTombstone() ? 0 : (long) v.key().length + v.value().length;
    }

    /** What the store holds, as etcd's db size would count it (an estimate: keys, values, per-version cost). */
    public long retainedBytes() {
        return retainedBytes;
    }

    private static long sizeOf(KeyValue v) {
        return (long) v.key().length + v.value().length + VERSION_OVERHEAD_BYTES;
    }

    /**
     * Writes a new version of {@code key} at {@code rev}. A missing or deleted key starts a new
     * incarnation (create revision = rev, version 1). Returns the new version.
     */
    public KeyValue put(byte[] key, byte[] value, boolean nullValue, long lease, long rev, long timeMs) {
        return put(lookup(key), key, value, nullValue, lease, rev, timeMs);
    }

    /** {@link #put} when the caller already looked up the key's entry ({@code e}, null if none). */
    public KeyValue put(Entry e, byte[] key, byte[] value, boolean nullValue, long lease, long rev, long timeMs) {
        KeyValue prev = e == null ? null : e.head;
        boolean live = prev != null && !prev.isTombstone();
        byte[] storedKey = e == null ? key : prev.key();
        KeyValue next = live
                ? new KeyValue(storedKey, value, nullValue, prev.createRevision(), rev, prev.version() + 1,
                        lease, prev.ctimeMs(), timeMs, prev)
                : new KeyValue(storedKey, value, nullValue, rev, rev, 1, lease, timeMs, timeMs, prev);
        if (e == null) {
            index(storedKey, new Entry(next));
        } else {
            e.head = next;
            listIfHoldingHistory(e);
        }
        if (!live) {
            liveKeys++;
        }
        liveBytes += liveSize(next) - liveSize(prev);
        retainedBytes += sizeOf(next);
        return next;
    }

    /** Marks {@code key} deleted at {@code rev}; returns the version it had, or null if it was not live. */
    public KeyValue delete(byte[] key, long rev) {
        Entry e = lookup(key);
        if (e == null || e.head.isTombstone()) {
            return null;
        }
        KeyValue prev = e.head;
        e.head = KeyValue.tombstone(prev.key(), rev, prev);
        listIfHoldingHistory(e);
        // The meta stays with the tombstone: a reader still at an earlier revision reads the
        // deleted node's last version, and must check its ACL, not a default world-open one.
        // A new incarnation replaces it; reads of one ignore a meta older than its creation.
        trackReaping(e);
        liveKeys--;
        liveBytes -= liveSize(prev);
        retainedBytes += sizeOf(e.head);
        return prev;
    }

    public void setMeta(byte[] key, NodeMeta meta) {
        Entry e = lookup(key);
        if (e == null) {
            throw new IllegalStateException("meta for a key with no entry");
        }
        setMeta(e, meta);
    }

    private void setMeta(Entry e, NodeMeta meta) {
        e.meta = meta;
        trackReaping(e);
    }

    private void trackReaping(Entry e) {
        NodeMeta m = e.meta;
        if (m != null && m.mayNeedReaping() && !e.head.isTombstone()) {
            reapCandidates.add(e.head.key());
        } else {
            reapCandidates.remove(e.head.key());
        }
    }

    /** Entries of live containers and TTL nodes, in key order; any thread. */
    public Iterable<Entry> reapCandidates() {
        return () -> reapCandidates.stream().map(this::lookup).filter(java.util.Objects::nonNull).iterator();
    }

    /**
     * Visits the live versions at {@code rev} of keys in [from, to) in key order, until the
     * visitor returns false. {@code to} null means no upper bound.
     */
    public void scan(byte[] from, byte[] to, long rev, Visitor visitor) {
        Iterator<Map.Entry<byte[], Entry>> it = ordered.entries(from, true, to);
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            KeyValue v = e.head.at(rev);
            if (v != null && !v.isTombstone() && !visitor.visit(v, e)) {
                return;
            }
        }
    }

    /** Visits every live-or-historic entry in key order (for snapshots and hashing). */
    public void forEachEntry(Consumer<Entry> action) {
        ordered.forEachValue(action);
    }

    /** The first key >= {@code from}, or null. */
    public byte[] ceilingKey(byte[] from) {
        return ordered.ceilingKey(from);
    }

    /**
     * The entries from {@code from} (inclusive or not) to {@code to} (exclusive), in key order,
     * as the keyspace is when this is called (for ZooKeeper child listing).
     */
    public Iterator<Map.Entry<byte[], Entry>> entries(byte[] from, boolean fromInclusive, byte[] to) {
        return ordered.entries(from, fromInclusive, to);
    }

    /**
     * Drops history that no read at or above {@code rev} can see: versions superseded at or
     * before {@code rev}, and keys whose newest version is a tombstone before it. Revision
     * {@code rev} itself stays whole, tombstones included, so its events can still be replayed.
     */
    public void prune(long rev) {
        int kept = 0;
        for (int i = 0; i < withHistory.size(); i++) {
            Entry e = withHistory.get(i);
            if (pruneEntry(e, rev)) {
                withHistory.set(kept++, e);
            } else {
                e.listedWithHistory = false;
            }
        }
        withHistory.subList(kept, withHistory.size()).clear();
    }

    /** Prunes one entry's chain; returns whether it still holds history afterwards. */
    private boolean pruneEntry(Entry e, long rev) {
        KeyValue head = e.head;
        if (lookup(head.key()) != e) {
            return false; // removed meanwhile (a rolled-back create): nothing of it is counted any more
        }
        if (head.modRevision() < rev && head.isTombstone()) {
            retainedBytes -= chainBytes(head);
            unindex(head.key());
            return false;
        }
        cutBelow(head, rev);
        return holdsHistory(head);
    }

    private static boolean holdsHistory(KeyValue head) {
        return head.older != null || head.isTombstone();
    }

    private void listIfHoldingHistory(Entry e) {
        if (!e.listedWithHistory && holdsHistory(e.head)) {
            e.listedWithHistory = true;
            withHistory.add(e);
        }
    }

    private static long chainBytes(KeyValue v) {
        long total = 0;
        for (; v != null; v = v.older) {
            total += sizeOf(v);
        }
        return total;
    }

    private void cutBelow(KeyValue head, long rev) {
        KeyValue newer = head;
        KeyValue v = head;
        while (v != null && v.modRevision() > rev) {
            newer = v;
            v = v.older;
        }
        if (v == null) {
            return;
        }
        if (v.isTombstone() && v.modRevision() < rev) {
            retainedBytes -= chainBytes(v);
            newer.older = null;
        } else {
            retainedBytes -= chainBytes(v.older);
            v.older = null;
        }
    }

    /** Restores a key's chain and meta as a snapshot recorded them. */
    public void restore(KeyValue head, NodeMeta meta) {
        Entry e = new Entry(head);
        index(head.key(), e);
        setMeta(e, meta);
        listIfHoldingHistory(e);
        retainedBytes += chainBytes(head);
        if (!head.isTombstone()) {
            liveKeys++;
        }
        liveBytes += liveSize(head);
    }

    /** Replaces an entry's state wholesale (multi rollback). A null head removes the entry. */
    public void reset(byte[] key, KeyValue head, NodeMeta meta) {
        Entry e = lookup(key);
        boolean wasLive = e != null && !e.head.isTombstone();
        boolean nowLive = head != null && !head.isTombstone();
        liveBytes += liveSize(head) - (e == null ? 0 : liveSize(e.head));
        for (KeyValue v = e == null ? null : e.head; v != null && v != head; v = v.older) {
            retainedBytes -= sizeOf(v);
        }
        if (head == null) {
            unindex(key);
            reapCandidates.remove(key);
        } else {
            if (e == null) {
                e = new Entry(head);
                index(head.key(), e);
            } else {
                e.head = head;
            }
            setMeta(e, meta);
            listIfHoldingHistory(e);
        }
        liveKeys += (nowLive ? 1 : 0) - (wasLive ? 1 : 0);
    }

    /** The version before {@code v} in its key's chain (history walks outside this package). */
    public KeyValue chainNext(KeyValue v) {
        return v.older;
    }

    public static KeyValue rebuildChain(List<KeyValue> newestFirst) {
        KeyValue older = null;
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            KeyValue v = newestFirst.get(i);
            older = new KeyValue(v.key(), v.value(), v.isNullValue(), v.createRevision(), v.modRevision(),
                    v.version(), v.lease(), v.ctimeMs(), v.mtimeMs(), older);
        }
        return older;
    }

    public static KeyValue newVersion(byte[] key, byte[] value, boolean nullValue, long createRevision,
                                      long modRevision, long version, long lease, long ctimeMs, long mtimeMs) {
        return new KeyValue(key, value, nullValue, createRevision, modRevision, version, lease, ctimeMs, mtimeMs, null);
    }

    @FunctionalInterface
    public interface Visitor {
        boolean visit(KeyValue kv, Entry entry);
    }
}
