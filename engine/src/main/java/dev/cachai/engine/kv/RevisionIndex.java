package dev.cachai.engine.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which keys each retained revision changed, so the events of any revision since the
 * compaction point can be rebuilt from the version chains (what an etcd watch starting at an
 * old revision replays). Dropped below the compaction point with the history it points at.
 */
public final class RevisionIndex {
    private final ConcurrentSkipListMap<Long, byte[][]> keysByRevision = new ConcurrentSkipListMap<>();

    public void record(long revision, List<Event> events) {
        byte[][] keys = new byte[events.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = events.get(i).kv().key();
        }
        keysByRevision.put(revision, keys);
    }

    /** Revisions in [from, to] with the keys they changed, in revision order, at most {@code max} revisions. */
    public List<Map.Entry<Long, byte[][]>> between(long from, long to, int max) {
        List<Map.Entry<Long, byte[][]>> out = new ArrayList<>();
        if (from > to) {
            return out;
        }
        for (Map.Entry<Long, byte[][]> e : keysByRevision.subMap(from, true, to, true).entrySet()) {
            if (out.size() >= max) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** Rebuilds the index from the version chains (after a snapshot restore). */
    public void rebuild(KvStore kv, long compactRevision) {
        java.util.TreeMap<Long, List<byte[]>> byRevision = new java.util.TreeMap<>();
        kv.forEachEntry(e -> {
            for (KeyValue v = e.head(); v != null && v.modRevision() > compactRevision; v = kv.chainNext(v)) {
                byRevision.computeIfAbsent(v.modRevision(), r -> new ArrayList<>()).add(v.key());
            }
        });
        keysByRevision.clear();
        byRevision.forEach((rev, keys) -> keysByRevision.put(rev, keys.toArray(new byte[0][])));
    }

    /** Forgets revisions at or below {@code revision}. */
    public void pruneThrough(long revision) {
        keysByRevision.headMap(revision, true).clear();
    }

    public void clear() {
        keysByRevision.clear();
    }
}
