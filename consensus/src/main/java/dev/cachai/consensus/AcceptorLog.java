package dev.cachai.consensus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory view of accepted slots. Unlike a Raft log it may have holes: an acceptor accepts
 * each slot on its own, so reordered Accepts leave gaps until the missing ones arrive.
 */
final class AcceptorLog {

    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private long snapshotIndex;
    /**
     * Slots at or below it were dropped from memory though no snapshot holds them yet: chosen,
     * applied, and needed by no other member. They stay in the durable log until a snapshot.
     */
    private long releasedThrough;

    Entry get(long index) {
        return entries.get(index);
    }

    void put(Entry entry) {
        Invariants.check(entry.index() > snapshotIndex, "writing slot %d below snapshot", entry.index());
        entries.put(entry.index(), entry);
    }

    long snapshotIndex() {
        return snapshotIndex;
    }

    /** The highest slot no longer in memory, compacted or released: a peer behind it needs a snapshot. */
    long firstInMemory() {
        return Math.max(snapshotIndex, releasedThrough) + 1;
    }

    /**
     * Drops slots through {@code index} from memory. Only for slots that every member holds and
     * this node has applied: nothing asks for them again except a member added later, which gets
     * a snapshot instead.
     */
    void release(long index) {
        if (index <= Math.max(releasedThrough, snapshotIndex)) {
            return;
        }
        entries.headMap(index, true).clear();
        releasedThrough = index;
    }

    long lastIndex() {
        long floor = firstInMemory() - 1;
        return entries.isEmpty() ? floor : Math.max(entries.lastKey(), floor);
    }

    /** Every accepted slot from {@code fromIndex} on, holes skipped: what a Promise reports. */
    List<Entry> acceptedFrom(long fromIndex) {
        return new ArrayList<>(entries.tailMap(fromIndex, true).values());
    }

    /** Accepted slots from {@code fromIndex} on, holes skipped, bounded like an Accept message. */
    List<Entry> acceptedPage(long fromIndex, int countMax, int bytesMax) {
        List<Entry> page = new ArrayList<>();
        int bytes = 0;
        for (Entry entry : entries.tailMap(fromIndex, true).values()) {
            if (page.size() == countMax || !page.isEmpty() && bytes + entry.sizeBytes() > bytesMax) {
                break;
            }
            page.add(entry);
            bytes += entry.sizeBytes();
        }
        return page;
    }

    /** A run of consecutive slots from {@code fromIndex}, bounded by count and bytes (at least one entry). */
    List<Entry> run(long fromIndex, int countMax, int bytesMax) {
        List<Entry> run = new ArrayList<>();
        int bytes = 0;
        for (long index = fromIndex; run.size() < countMax; index++) {
            Entry entry = entries.get(index);
            if (entry == null || (!run.isEmpty() && bytes + entry.sizeBytes() > bytesMax)) {
                break;
            }
            run.add(entry);
            bytes += entry.sizeBytes();
        }
        return run;
    }

    /** Drops every slot at or below {@code index}: a snapshot now holds their effect. */
    void compactThrough(long index) {
        if (index <= snapshotIndex) {
            return;
        }
        entries.headMap(index, true).clear();
        snapshotIndex = index;
    }

    void loadFrom(List<Entry> persisted) {
        for (Entry entry : persisted) {
            if (entry.index() > snapshotIndex) {
                entries.put(entry.index(), entry);
            }
        }
    }

    Map<Long, Entry> view() {
        return java.util.Collections.unmodifiableMap(entries);
    }
}
