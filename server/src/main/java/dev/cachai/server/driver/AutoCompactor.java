package dev.cachai.server.driver;

import dev.cachai.server.config.AutoCompaction;

/**
 * etcd's auto-compaction as one leadership follows it: polled with the leader's clock and the
 * store's revision, it names the revision to compact to when one is due. Pure: no clock, no
 * thread, no engine, so tests drive it with a fake clock and revision feed. A new leader starts a
 * new one (etcd pauses its compactor on followers; here a leader's samples die with its term).
 */
public interface AutoCompactor {
    /** What {@link #poll} answers when nothing is due. */
    long NONE = -1;

    /** The revision to compact to now, or {@link #NONE}. */
    long poll(long nowMs, long revision);

    /**
     * The compaction the last poll asked for happened, or the store was already compacted that far
     * (etcd counts its "required revision has been compacted" as done, too).
     */
    void compacted();

    /** How often a compactor for {@code setting} wants polling: it keeps etcd's schedule only if polled that often. */
    static long pollIntervalMs(AutoCompaction setting, long revisionCheckMs) {
        if (setting instanceof AutoCompaction.Periodic p) {
            return PeriodicCompactor.sampleIntervalMs(p.windowMs());
        }
        return revisionCheckMs;
    }

    /**
     * The compactor for {@code setting}, started at {@code nowMs} with the store at {@code revision}.
     *
     * @param revisionCheckMs how often revision mode looks (etcd: 5 minutes)
     */
    static AutoCompactor start(AutoCompaction setting, long revisionCheckMs, long nowMs, long revision) {
        if (setting instanceof AutoCompaction.Revisions r) {
            return new RevisionCompactor(r.retained(), revisionCheckMs, nowMs);
        }
        if (setting instanceof AutoCompaction.Periodic p) {
            return new PeriodicCompactor(p.windowMs(), nowMs, revision);
        }
        throw new IllegalArgumentException("auto-compaction is off");
    }
}
