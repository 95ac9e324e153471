package dev.cachai.zk.session;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.command.LeaseCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Session deadlines of this node (per-node state, not replicated). Every request or ping renews
 * the session; {@link #expireDue} proposes the close of sessions past their deadline, which
 * deletes their ephemerals in one revision. Stays until the server's own LeaseKeeper expires sessions.
 */
public final class SessionTracker {
    private static final class Deadline {
        final int timeoutMs;
        volatile long deadlineNanos;

        Deadline(int timeoutMs, long now) {
            this.timeoutMs = timeoutMs;
            this.deadlineNanos = now + timeoutMs * 1_000_000L;
        }
    }

    private final CommandGateway gateway;
    private final Map<Long, Deadline> sessions = new ConcurrentHashMap<>();
    private final AtomicLong nextSessionId;
    private final LongConsumer onExpired;

    public SessionTracker(CommandGateway gateway, long serverId, LongConsumer onExpired) {
        this.gateway = gateway;
        this.onExpired = onExpired;
        // Like ZooKeeper: the server id in the top byte, milliseconds in the middle, a counter below.
        long base = (System.currentTimeMillis() << 24) >>> 8;
        this.nextSessionId = new AtomicLong(base | (serverId << 56));
    }

    public long newSessionId() {
        return nextSessionId.incrementAndGet();
    }

    public void track(long sessionId, int timeoutMs) {
        sessions.put(sessionId, new Deadline(timeoutMs, System.nanoTime()));
        keepAlive(sessionId);
    }

    /** Renews a session; false when this node does not track it (it then starts tracking it). */
    public void touch(long sessionId, int timeoutMs) {
        Deadline d = sessions.get(sessionId);
        if (d == null) {
            track(sessionId, timeoutMs);
            return;
        }
        d.deadlineNanos = System.nanoTime() + d.timeoutMs * 1_000_000L;
        keepAlive(sessionId);
    }

    private void keepAlive(long sessionId) {
        LeaseKeeper keeper = gateway.leases();
        if (keeper != null) {
            keeper.keepAlive(sessionId);
        }
    }

    public void forget(long sessionId) {
        sessions.remove(sessionId);
    }

    public boolean isTracked(long sessionId) {
        return sessions.containsKey(sessionId);
    }

    public int size() {
        return sessions.size();
    }

    public List<Long> ids() {
        List<Long> ids = new ArrayList<>(sessions.keySet());
        ids.sort(Long::compare);
        return ids;
    }

    /** Session ids by deadline (wall clock, rounded up to a tick like ZooKeeper's expiry buckets). */
    public java.util.SortedMap<Long, List<Long>> idsByExpiryMs(int tickMs) {
        long nowNanos = System.nanoTime();
        long nowMs = System.currentTimeMillis();
        java.util.SortedMap<Long, List<Long>> out = new java.util.TreeMap<>();
        for (Map.Entry<Long, Deadline> e : sessions.entrySet()) {
            long deadlineMs = nowMs + (e.getValue().deadlineNanos - nowNanos) / 1_000_000L;
            long bucket = (deadlineMs / tickMs + 1) * tickMs;
            out.computeIfAbsent(bucket, b -> new ArrayList<>()).add(e.getKey());
        }
        out.values().forEach(ids -> ids.sort(Long::compare));
        return out;
    }

    /** Proposes the close of every session past its deadline. */
    public void expireDue() {
        long now = System.nanoTime();
        for (Map.Entry<Long, Deadline> e : sessions.entrySet()) {
            if (now - e.getValue().deadlineNanos > 0 && sessions.remove(e.getKey(), e.getValue())) {
                long id = e.getKey();
                onExpired.accept(id);
                gateway.propose(new LeaseCommand.SessionClose(id, true));
            }
        }
    }
}
