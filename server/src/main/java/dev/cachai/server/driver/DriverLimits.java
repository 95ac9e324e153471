package dev.cachai.server.driver;

/**
 * Bounds of the single-node driver.
 *
 * @param proposalsQueuedMax  proposals waiting for the apply thread; beyond it callers get "too many requests"
 * @param batchProposalsMax   proposals per log batch (one fsync each)
 * @param leaseCheckIntervalMs how often lease and session deadlines are checked
 * @param reapIntervalMs      how often empty containers and expired TTL nodes are looked for
 * @param reapBatchMax        nodes reaped per check
 * @param snapshotEveryRecords log records between snapshots (etcd's --snapshot-count)
 */
public record DriverLimits(int proposalsQueuedMax, int batchProposalsMax, long leaseCheckIntervalMs,
                           long reapIntervalMs, int reapBatchMax, long snapshotEveryRecords) {
    public static final DriverLimits DEFAULTS = new DriverLimits(16_384, 1_024, 100, 1_000, 1_000, 100_000);

    public DriverLimits withSnapshotEveryRecords(long records) {
        return new DriverLimits(proposalsQueuedMax, batchProposalsMax, leaseCheckIntervalMs, reapIntervalMs,
                reapBatchMax, records);
    }

    public DriverLimits {
        if (proposalsQueuedMax < 1 || batchProposalsMax < 1 || batchProposalsMax > proposalsQueuedMax) {
            throw new IllegalArgumentException("need 1 <= batchProposalsMax <= proposalsQueuedMax");
        }
        if (leaseCheckIntervalMs < 1 || reapIntervalMs < 1 || reapBatchMax < 1 || snapshotEveryRecords < 1) {
            throw new IllegalArgumentException("intervals and reapBatchMax must be positive");
        }
    }
}
