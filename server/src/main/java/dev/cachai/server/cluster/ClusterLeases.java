package dev.cachai.server.cluster;

import dev.cachai.engine.LeaseKeeper;
import dev.cachai.server.driver.LeaseTimers;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Lease deadlines on a cluster node. Every node keeps timers (so a follower can answer TTL
 * queries), but only the leader's decide expiry; a follower therefore passes every renewal its
 * clients make on to the leader, batched once per tick.
 */
final class ClusterLeases implements LeaseKeeper {
    private final LeaseTimers timers;
    private final BooleanSupplier leading;
    private final int renewalsQueuedMax;
    private final Set<Long> renewalsToForward = ConcurrentHashMap.newKeySet();

    ClusterLeases(LeaseTimers timers, BooleanSupplier leading, int renewalsQueuedMax) {
        this.timers = timers;
        this.leading = leading;
        this.renewalsQueuedMax = renewalsQueuedMax;
    }

    @Override
    public boolean keepAlive(long leaseId) {
        if (!timers.keepAlive(leaseId)) {
            return false;
        }
        // Over the limit a renewal is skipped, not failed: the client renews again within its TTL.
        if (!leading.getAsBoolean() && renewalsToForward.size() < renewalsQueuedMax) {
            renewalsToForward.add(leaseId);
        }
        return true;
    }

    @Override
    public long remainingMs(long leaseId) {
        return timers.remainingMs(leaseId);
    }

    /** The renewals to send the leader now, at most {@code max}. */
    long[] takeRenewals(int max) {
        List<Long> taken = new ArrayList<>();
        for (Iterator<Long> it = renewalsToForward.iterator(); it.hasNext() && taken.size() < max;) {
            taken.add(it.next());
            it.remove();
        }
        return taken.stream().mapToLong(Long::longValue).toArray();
    }

    /** Renewals a follower passed on (called on the leader). */
    void renewedElsewhere(long[] leaseIds) {
        for (long id : leaseIds) {
            timers.keepAlive(id);
        }
    }
}
