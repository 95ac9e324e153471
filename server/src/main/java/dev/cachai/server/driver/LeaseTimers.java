package dev.cachai.server.driver;

import dev.cachai.engine.Engine;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.LeaseGrantResult;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.SessionResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Deadlines of leases and sessions on this node. Not replicated: like etcd's lessor, a node that
 * starts (or becomes leader) gives every lease a full TTL again.
 */
public final class LeaseTimers implements LeaseKeeper {
    private final Supplier<Engine> engine;
    private final LongSupplier clockMs;
    private final Map<Long, Long> deadlineMs = new ConcurrentHashMap<>();

    public LeaseTimers(Engine engine, LongSupplier clockMs) {
        this(() -> engine, clockMs);
    }

    /** For a node whose engine may be replaced (a snapshot installed from the leader). */
    public LeaseTimers(Supplier<Engine> engine, LongSupplier clockMs) {
        this.engine = engine;
        this.clockMs = clockMs;
    }

    void start(long id, long ttlMs) {
        deadlineMs.put(id, clockMs.getAsLong() + ttlMs);
    }

    void stop(long id) {
        deadlineMs.remove(id);
    }

    /** Follows an applied command: grants start a timer, revokes and session closes stop it. */
    public void onApplied(Command c, Result r) {
        if (c instanceof LeaseCommand.Grant g && r instanceof LeaseGrantResult) {
            start(g.id(), g.ttlSeconds() * 1000);
        } else if (c instanceof LeaseCommand.SessionCreate s && r instanceof SessionResult sr && sr.err() == 0) {
            start(s.sessionId(), s.timeoutMs());
        } else if (c instanceof LeaseCommand.Revoke rv) {
            stop(rv.id());
        } else if (c instanceof LeaseCommand.SessionClose sc) {
            stop(sc.sessionId());
        }
    }

    /** Gives every lease the engine holds a full TTL (after recovery, or on becoming leader). */
    public void restartAll() {
        for (long id : engine.get().leaseIds()) {
            Lease l = engine.get().lease(id);
            if (l != null) {
                start(id, l.ttlMs());
            }
        }
    }

    @Override
    public boolean keepAlive(long leaseId) {
        Lease l = engine.get().lease(leaseId);
        if (l == null || !deadlineMs.containsKey(leaseId)) {
            return false;
        }
        start(leaseId, l.ttlMs());
        return true;
    }

    @Override
    public long remainingMs(long leaseId) {
        Long deadline = deadlineMs.get(leaseId);
        if (deadline == null || engine.get().lease(leaseId) == null) {
            return -1;
        }
        return Math.max(0, deadline - clockMs.getAsLong());
    }

    /** Leases past their deadline; they are removed from the timers (their revoke is proposed once). */
    public List<Lease> takeExpired() {
        long now = clockMs.getAsLong();
        List<Lease> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : deadlineMs.entrySet()) {
            if (e.getValue() <= now && deadlineMs.remove(e.getKey(), e.getValue())) {
                Lease l = engine.get().lease(e.getKey());
                if (l != null) {
                    out.add(l);
                }
            }
        }
        return out;
    }
}
