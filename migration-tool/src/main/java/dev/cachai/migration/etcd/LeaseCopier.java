package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;
import io.etcd.jetcd.KeyValue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recreates source leases in the target under the same ids with their remaining TTL, before the keys they hold are
 * written. A lease that expired in the source meanwhile is noted and its keys are left out.
 */
final class LeaseCopier {
    /** Distinct leases remembered in one run. */
    static final int LEASES_MAX = 1_000_000;

    private final KeySource source;
    private final LeaseTarget target;
    private final Report report;
    /** Source lease id → whether it was alive when copied. Read from client callback threads. */
    private final Map<Long, Boolean> alive = new ConcurrentHashMap<>();

    LeaseCopier(KeySource source, LeaseTarget target, Report report) {
        this.source = source;
        this.target = target;
        this.report = report;
    }

    /** Makes sure every lease the page's keys hold is in the target (blocking; called by the reader thread). */
    void copyLeasesOf(List<KeyValue> page) throws InterruptedException {
        for (KeyValue kv : page) {
            long id = kv.getLease();
            if (id != 0 && !alive.containsKey(id)) {
                alive.put(id, copy(id));
            }
        }
    }

    /** Whether the key's lease (if any) is in the target; valid for leases of pages already passed to copyLeasesOf. */
    boolean usable(long id) {
        return id == 0 || Boolean.TRUE.equals(alive.get(id));
    }

    private boolean copy(long id) throws InterruptedException {
        if (alive.size() >= LEASES_MAX) {
            throw new MigrationException("more than " + LEASES_MAX + " leases");
        }
        long ttl = source.leaseTtlSeconds(id);
        if (ttl <= 0) {
            report.issue(Report.Count.NOTES, "lease " + Long.toHexString(id) + " expired in the source; its keys "
                    + "were not copied");
            return false;
        }
        if (target.grant(id, ttl)) {
            report.count(Report.Count.LEASES);
        }
        return true;
    }
}
