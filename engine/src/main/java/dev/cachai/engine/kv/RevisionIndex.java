package dev.cachai.engine.kv;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which keys each retained revision changed, so the events of any revision since the
 * compaction point can be rebuilt from the version chains (what an etcd watch starting at an
 * old revision replays). Revisions only grow, so this is a ring of slots indexed by
 * revision - first; a slot holds the key (one-key revisions, the common case) or an array of
 * keys, sharing the key arrays the versions already hold. Guarded by its own monitor: the apply
 * thread appends, watch catch-up reads from other threads.
 */
public final class RevisionIndex {
    private static final int INITIAL_SLOTS = 1024;

    private Object[] slots = new Object[INITIAL_SLOTS];
    private int head;
    private int size;
    /** The revision of the slot at {@code head}. */
    private long first = 1;

    public synchronized void record(long revision, List<Event> events) {
        if (size == 0) {
            first = revision;
        }
        long gap = revision - (first + size);
        if (gap < 0) {
            throw new IllegalStateException("revision " + revision + " recorded out of order");
        }
        for (long i = 0; i < gap; i++) {
            append(null);
        }
        if (events.size() == 1) {
            append(events.get(0).kv().key());
        } else {
            byte[][] keys = new byte[events.size()][];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = events.get(i).kv().key();
            }
            append(keys);
        }
    }

    private void append(Object slot) {
        if (size == slots.length) {
            Object[] bigger = new Object[slots.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = slots[(head + i) % slots.length];
            }
            slots = bigger;
            head = 0;
        }
        slots[(head + size) % slots.length] = slot;
        size++;
    }

    /** Revisions in [from, to] with the keys they changed, in revision order, at most {@code max} revisions. */
    public synchronized List<Map.Entry<Long, byte[][]>> between(long from, long to, int max) {
        List<Map.Entry<Long, byte[][]>> out = new ArrayList<>();
        long start = Math.max(from, first);
        long end = Math.min(to, first + size - 1);
        for (long rev = start; rev <= end && out.size() < max; rev++) {
            Object slot = slots[(int) ((head + (rev - first)) % slots.length)];
            if (slot instanceof byte[] key) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(rev, new byte[][] {key}));
            } else if (slot != null) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(rev, (byte[][]) slot));
            }
        }
        return out;
    }

    /** Rebuilds the index from the version chains (after a snapshot restore). */
    public synchronized void rebuild(KvStore kv, long compactRevision) {
        java.util.TreeMap<Long, List<byte[]>> byRevision = new java.util.TreeMap<>();
        kv.forEachEntry(e -> {
            for (KeyValue v = e.head(); v != null && v.modRevision() > compactRevision; v = kv.chainNext(v)) {
                byRevision.computeIfAbsent(v.modRevision(), r -> new ArrayList<>()).add(v.key());
            }
        });
        slots = new Object[INITIAL_SLOTS];
        head = 0;
        size = 0;
        byRevision.forEach((rev, keys) -> {
            List<Event> events = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                events.add(new Event(Event.Type.PUT, KeyValue.of(k, KvStore.NO_BYTES, 0, rev, 0, 0), null));
            }
            record(rev, events);
        });
    }

    /** Forgets revisions at or below {@code revision}. */
    public synchronized void pruneThrough(long revision) {
        while (size > 0 && first <= revision) {
            slots[head] = null;
            head = (head + 1) % slots.length;
            size--;
            first++;
        }
        if (size == 0 && first <= revision) {
            first = revision + 1;
        }
    }
}
