package dev.cachai.server.cluster;

/**
 * Bounds and timings of the clustered driver.
 *
 * @param tickMs                    one consensus tick (elections and heartbeats count in ticks)
 * @param electionTicks             ticks without a leader before campaigning (randomized up to twice)
 * @param eventsQueuedMax           proposals, reads and peer frames waiting for the loop; beyond it
 *                                  clients get "too many requests" and peer frames are dropped
 * @param eventsPerBatchMax         events handled between two Ready rounds (group commit batch)
 * @param requestTimeoutMs          a proposal or read not answered by then fails with "request timed out"
 * @param requestsPendingMax        proposals and reads of this node's clients in flight
 * @param readRetryTicks            a read-index request not answered in this many ticks is asked again
 * @param keepAlivesPerFrameMax     lease renewals a follower sends the leader in one frame per tick
 * @param leaseCheckIntervalMs      how often the leader looks for expired leases and sessions
 * @param reapIntervalMs            how often the leader looks for empty containers and expired TTL nodes
 * @param reapBatchMax              nodes reaped per check
 * @param snapshotEveryEntries      applied entries between engine snapshots
 * @param compactionLagEntries      entries kept in the log below a snapshot, so a briefly absent
 *                                  follower catches up from the log instead of a whole snapshot
 * @param historyRetainedRevisions  MVCC history the leader keeps: once twice this many revisions
 *                                  are uncompacted it proposes a compaction to the newest this many
 *                                  (as etcd's revision mode would); history lives in memory, so this
 *                                  guard always runs, whatever --auto-compaction-mode says
 * @param revisionCompactionCheckMs how often --auto-compaction-mode=revision looks (etcd: 5 minutes)
 */
public record ClusterLimits(long tickMs, int electionTicks, int eventsQueuedMax, int eventsPerBatchMax,
                            long requestTimeoutMs, int requestsPendingMax, int readRetryTicks,
                            int keepAlivesPerFrameMax, long leaseCheckIntervalMs, long reapIntervalMs,
                            int reapBatchMax, long snapshotEveryEntries, long compactionLagEntries,
                            long historyRetainedRevisions, long revisionCompactionCheckMs) {
    public static final ClusterLimits DEFAULTS = new ClusterLimits(50, 10, 32_768, 1_024, 5_000, 16_384, 4,
            4_096, 100, 1_000, 1_000, 100_000, 20_000, 100_000, 300_000);

    public ClusterLimits {
        if (tickMs < 1 || electionTicks < 3 || readRetryTicks < 1) {
            throw new IllegalArgumentException("need tickMs >= 1, electionTicks >= 3, readRetryTicks >= 1");
        }
        if (eventsPerBatchMax < 1 || eventsPerBatchMax > eventsQueuedMax || requestsPendingMax < 1) {
            throw new IllegalArgumentException("need 1 <= eventsPerBatchMax <= eventsQueuedMax, requestsPendingMax >= 1");
        }
        if (requestTimeoutMs <= tickMs * electionTicks) {
            throw new IllegalArgumentException("requestTimeoutMs must outlast an election");
        }
        if (keepAlivesPerFrameMax < 1 || leaseCheckIntervalMs < 1 || reapIntervalMs < 1 || reapBatchMax < 1) {
            throw new IllegalArgumentException("keep-alive, lease and reap limits must be positive");
        }
        if (snapshotEveryEntries < 1 || compactionLagEntries < 0 || historyRetainedRevisions < 1
                || revisionCompactionCheckMs < 1) {
            throw new IllegalArgumentException("need snapshotEveryEntries >= 1, compactionLagEntries >= 0, "
                    + "historyRetainedRevisions >= 1, revisionCompactionCheckMs >= 1");
        }
    }

    public ClusterLimits withSnapshots(long everyEntries, long lagEntries) {
        return new ClusterLimits(tickMs, electionTicks, eventsQueuedMax, eventsPerBatchMax, requestTimeoutMs,
                requestsPendingMax, readRetryTicks, keepAlivesPerFrameMax, leaseCheckIntervalMs, reapIntervalMs,
                reapBatchMax, everyEntries, lagEntries, historyRetainedRevisions, revisionCompactionCheckMs);
    }

    public ClusterLimits withHistoryRetained(long revisions) {
        return new ClusterLimits(tickMs, electionTicks, eventsQueuedMax, eventsPerBatchMax, requestTimeoutMs,
                requestsPendingMax, readRetryTicks, keepAlivesPerFrameMax, leaseCheckIntervalMs, reapIntervalMs,
                reapBatchMax, snapshotEveryEntries, compactionLagEntries, revisions, revisionCompactionCheckMs);
    }

    /** The same limits with revision-mode auto-compaction looking every {@code checkMs}. */
    public ClusterLimits withRevisionCompactionCheckMs(long checkMs) {
        return new ClusterLimits(tickMs, electionTicks, eventsQueuedMax, eventsPerBatchMax, requestTimeoutMs,
                requestsPendingMax, readRetryTicks, keepAlivesPerFrameMax, leaseCheckIntervalMs, reapIntervalMs,
                reapBatchMax, snapshotEveryEntries, compactionLagEntries, historyRetainedRevisions, checkMs);
    }
}
