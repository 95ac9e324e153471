package dev.cachai.etcd.watch;

import dev.cachai.engine.kv.Change;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent committed changes, in revision order, bounded by event count. Watchers pull
 * from it by revision, so a slow watcher costs a cursor rather than a private queue. Revisions
 * above {@link #baseRevision()} are complete here; older ones must come from the engine.
 *
 * <p>It holds changes only while some watch stream is open ({@link #retain}). Every change kept
 * outlives several young collections (at 10,000 writes/s a full history spans ten seconds), so a
 * member serving only ZooKeeper clients, or etcd clients that do not watch, would copy about
 * 150 bytes a write through the collector for nothing. A stream opened later reads what came
 * before it from the engine, as it does for anything older than the history.
 *
 * <p>A ring of slots sorted by revision, guarded by this object's monitor: the apply thread
 * appends, the watch send threads read.
 */
public final class EventHistory {
    private static final int INITIAL_SLOTS = 1024;

    private final int eventsMax;
    private Change[] ring = new Change[INITIAL_SLOTS];
    private int head;
    private int size;
    private long events;
    private volatile boolean retaining;
    private volatile long baseRevision;
    private volatile long lastRevision;

    public EventHistory(int eventsMax, long baseRevision) {
        this.eventsMax = eventsMax;
        this.baseRevision = baseRevision;
        this.lastRevision = baseRevision;
    }

    /** Whether appended changes are kept; while not, the history is empty and its base follows the last revision. */
    public void retain(boolean keep) {
        retaining = keep;
    }

    /** Called on the apply thread, in revision order. */
    public synchronized void append(Change change) {
        long revision = change.revision();
        if (revision <= lastRevision) {
            return;
        }
        if (!retaining) {
            clear();
            // The base moves before the last revision: a reader that sees the new last revision
            // and finds nothing here must also see that the engine holds it.
            baseRevision = revision;
            lastRevision = revision;
            return;
        }
        add(change);
        events += change.events().size();
        lastRevision = revision;
        while (events > eventsMax && size > 1) {
            Change oldest = removeOldest();
            events -= oldest.events().size();
            baseRevision = oldest.revision();
        }
    }

    /** Every revision above this one is held here. */
    public long baseRevision() {
        return baseRevision;
    }

    /** The newest revision appended (or the base when none was). */
    public long lastRevision() {
        return lastRevision;
    }

    /** Changes with revision >= {@code fromRevision}, oldest first, at most {@code changesMax}. */
    public synchronized List<Change> from(long fromRevision, int changesMax) {
        List<Change> out = new ArrayList<>();
        for (int i = firstIndexAtOrAbove(fromRevision); i < size && out.size() < changesMax; i++) {
            out.add(slot(i));
        }
        return out;
    }

    /** Changes held (for tests). */
    public synchronized int size() {
        return size;
    }

    private int firstIndexAtOrAbove(long revision) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (slot(mid).revision() < revision) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private Change slot(int index) {
        return ring[(head + index) % ring.length];
    }

    private void add(Change change) {
        if (size == ring.length) {
            Change[] bigger = new Change[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = slot(i);
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) % ring.length] = change;
        size++;
    }

    private Change removeOldest() {
        Change oldest = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        return oldest;
    }

    private void clear() {
        if (size == 0 && ring.length == INITIAL_SLOTS) {
            return;
        }
        ring = new Change[INITIAL_SLOTS];
        head = 0;
        size = 0;
        events = 0;
    }
}
