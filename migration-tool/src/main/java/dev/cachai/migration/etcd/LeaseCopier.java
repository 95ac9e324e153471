package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;

import java.util.HashMap;
import java.util.Map;

/**
 * Recreates source leases in the target with their remaining TTL. The target picks new ids (jetcd cannot ask for
 * one), so keys are re-attached through this map; clients re-grant or keep alive their leases after the switch.
 */
final class LeaseCopier {
    /** Distinct leases remembered in one run. */
    static final int LEASES_MAX = 1_000_000;
    /** The marker for a lease that expired in the source before we could copy it. */
    static final long EXPIRED = -1;

    private final Lease source;
    private final Lease target;
    private final Report report;
    private final Map<Long, Long> targetIds = new HashMap<>();

    LeaseCopier(Lease source, Lease target, Report report) {
        this.source = source;
        this.target = target;
        this.report = report;
    }

    /** The target lease for a source lease, granted on first use; {@link #EXPIRED} when it is gone. */
    long targetId(long sourceId) throws InterruptedException {
        Long known = targetIds.get(sourceId);
        if (known != null) {
            return known;
        }
        if (targetIds.size() >= LEASES_MAX) {
            throw new MigrationException("more than " + LEASES_MAX + " leases");
        }
        LeaseTimeToLiveResponse ttl = PagedReader.await(source.timeToLive(sourceId, LeaseOption.builder().withAttachedKeys().build()));
        long id = EXPIRED;
        if (ttl.getTTL() > 0) {
            id = PagedReader.await(target.grant(ttl.getTTL())).getID();
            report.count(Report.Count.LEASES);
        } else {
            report.issue(Report.Count.NOTES, "lease " + Long.toHexString(sourceId) + " expired in the source; its "
                    + ttl.getKeys().size() + " keys were not copied");
        }
        targetIds.put(sourceId, id);
        return id;
    }
}
