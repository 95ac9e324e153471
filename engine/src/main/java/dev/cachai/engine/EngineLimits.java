package dev.cachai.engine;

/**
 * The engine's size limits, with etcd's and ZooKeeper's defaults.
 *
 * @param txnOpsMax      etcd --max-txn-ops (128)
 * @param leaseTtlSecondsMax etcd's MaxLeaseTTL (9,000,000,000 s)
 */
public record EngineLimits(int txnOpsMax, long leaseTtlSecondsMax) {
    public static final EngineLimits DEFAULTS = new EngineLimits(128, 9_000_000_000L);

    public EngineLimits {
        if (txnOpsMax < 1) {
            throw new IllegalArgumentException("txnOpsMax must be >= 1");
        }
        if (leaseTtlSecondsMax < 1) {
            throw new IllegalArgumentException("leaseTtlSecondsMax must be >= 1");
        }
    }
}
