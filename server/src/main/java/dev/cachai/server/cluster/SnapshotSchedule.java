package dev.cachai.server.cluster;

import java.util.SplittableRandom;

/**
 * When a member takes its next engine snapshot. A snapshot writes every version the engine holds
 * (live keys plus retained revisions), so the next one comes after at least as many applied
 * entries as the last one wrote, and never sooner than a fixed minimum: the snapshot's cost per
 * write stays constant however large the keyspace or its history grows, and the log a restart
 * replays stays within about the state's size. (At 300,000 keys, a snapshot every 100,000 writes
 * took a third of a core under a create load; setData on 1,000 keys keeps 100,000-200,000
 * versions of history, all of them in every snapshot.)
 *
 * <p>The count is the size at the last snapshot, not the current one: the current size grows with
 * every create, so a keyspace growing by creates alone would never catch up with it and never be
 * snapshotted (its log would grow without end). And as ZooKeeper does with its snapCount, each
 * member draws a random extra share of the interval for every snapshot, so the members of a
 * cluster, which apply the same entries, do not all write their snapshots at the same moment.
 */
final class SnapshotSchedule {
    /** The extra share of the interval drawn for each snapshot is below this fraction of it. */
    static final double JITTER_FRACTION_MAX = 0.5;

    private final long everyEntriesMin;
    private final SplittableRandom random;
    private long lastIndex;
    private long intervalEntries;

    /**
     * @param everyEntriesMin the fewest applied entries between two snapshots
     * @param appliedIndex    where the member starts (its last snapshot, or 0)
     * @param versions        the versions its engine holds there
     */
    SnapshotSchedule(long everyEntriesMin, long appliedIndex, long versions, SplittableRandom random) {
        if (everyEntriesMin < 1) {
            throw new IllegalArgumentException("everyEntriesMin must be at least 1: " + everyEntriesMin);
        }
        this.everyEntriesMin = everyEntriesMin;
        this.random = random;
        taken(appliedIndex, versions);
    }

    /** True once enough entries were applied since the last snapshot. */
    boolean due(long appliedIndex) {
        return appliedIndex - lastIndex >= intervalEntries;
    }

    /** A snapshot was pinned (or installed) at {@code appliedIndex}, holding {@code versions} versions. */
    void taken(long appliedIndex, long versions) {
        lastIndex = appliedIndex;
        long base = Math.max(everyEntriesMin, versions);
        intervalEntries = base + (long) (base * JITTER_FRACTION_MAX * random.nextDouble());
    }

    long lastIndex() {
        return lastIndex;
    }

    /** Applied entries from the last snapshot to the next. */
    long intervalEntries() {
        return intervalEntries;
    }
}
