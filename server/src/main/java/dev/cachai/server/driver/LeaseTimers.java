package dev.cachai.server.driver;

import dev.cachai.engine.Engine;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.lease.Lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Deadlines of leases and sessions on this node. Not replicated: like etcd's lessor, a node that
 * starts (or becomes leader) gives every lease a full TTL again.
 */
final class LeaseTimers implements LeaseKeeper {
    private final Engine engine;
    private final LongSupplier clockMs;
    private final Map<Long, Long> deadlineMs = new ConcurrentHashMap<>();

    LeaseTimers(Engine engine, LongSupplier clockMs) {
        this.engine = engine;
        this.clockMs = clockMs;
    }

    void start(long id, long ttlMs) {
        deadlineMs.put(id, clockMs.getAsLong() + ttlMs);
    }

    void stop(long id) {
        deadlineMs.remove(id);
    }

    /** Gives every lease the engine holds a full TTL (after recovery). */
    void restartAll() {
        for (long id : engine.leaseIds()) {
            Lease l = engine.lease(id);
            if (l != null) {
                start(id, l.ttlMs());
            }
        }
    }

    @Override
    public boolean keepAlive(long leaseId) {
        Lease l = engine.lease(leaseId);
        if (l == null || !deadlineMs.containsKey(leaseId)) {
            return false;
        }
        start(leaseId, l.ttlMs());
        return true;
    }

    @Override
    public long remainingMs(long leaseId) {
        Long deadline = deadlineMs.get(leaseId);
        if (deadline == null || engine.lease(leaseId) == null) {
            return -1;
        }
        return Math.max(0, deadline - clockMs.getAsLong());
    }

    /** Leases past their deadline; they are removed from the timers (their revoke is proposed once). */
    List<Lease> takeExpired() {
        long now = clockMs.getAsLong();
        List<Lease> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : deadlineMs.entrySet()) {
            if (e.getValue() <= now && deadlineMs.remove(e.getKey(), e.getValue())) {
                Lease l = engine.lease(e.getKey());
                if (l != null) {
                    out.add(l);
                }
            }
        }
        return out;
    }
}
