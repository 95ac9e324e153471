package dev.cachai.etcd.watch;

import dev.cachai.engine.kv.Change;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The most recent committed changes, in revision order, bounded by event count. Watchers pull
 * from it by revision, so a slow watcher costs a cursor rather than a private queue. Revisions
 * above {@link #baseRevision()} are complete here; older ones must come from the engine.
 */
public final class EventHistory {
    private final ConcurrentSkipListMap<Long, Change> changes = new ConcurrentSkipListMap<>();
    private final int eventsMax;
    private volatile long baseRevision;
    private volatile long lastRevision;
    private long events;

    public EventHistory(int eventsMax, long baseRevision) {
        this.eventsMax = eventsMax;
        this.baseRevision = baseRevision;
        this.lastRevision = baseRevision;
    }

    /** Called on the apply thread, in revision order. */
    public synchronized void append(Change change) {
        if (change.revision() <= lastRevision) {
            return;
        }
        changes.put(change.revision(), change);
        events += change.events().size();
        lastRevision = change.revision();
        while (events > eventsMax && changes.size() > 1) {
            Map.Entry<Long, Change> oldest = changes.pollFirstEntry();
            events -= oldest.getValue().events().size();
            baseRevision = oldest.getKey();
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
    public List<Change> from(long fromRevision, int changesMax) {
        List<Change> out = new ArrayList<>();
        for (Change c : changes.tailMap(fromRevision, true).values()) {
            if (out.size() >= changesMax) {
                break;
            }
            out.add(c);
        }
        return out;
    }
}
