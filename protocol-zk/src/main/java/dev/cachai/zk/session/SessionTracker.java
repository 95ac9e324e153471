package dev.cachai.zk.session;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.lease.Lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The sessions this node has served (per-node state, not replicated). Every request or ping
 * renews the session with the server's lease keeper, which alone decides expiry (in a cluster,
 * the leader's, which hears the pings of every member). This tracker only follows that verdict:
 * {@link #closeEnded} drops sessions the engine no longer holds and closes their connections.
 * The local deadlines feed {@code dump}.
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
    private final LongConsumer onEnded;

    public SessionTracker(CommandGateway gateway, long serverId, LongConsumer onEnded) {
        this.gateway = gateway;
        this.onEnded = onEnded;
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

    /**
     * Forgets every tracked session whose lease the engine no longer holds (expired by the
     * leader, or closed through another node) and tells {@code onEnded}, which closes the
     * session's connection here: its client then reconnects and hears that the session expired.
     */
    public void closeEnded() {
        for (Long id : sessions.keySet()) {
            Lease lease = gateway.engine().lease(id);
            if ((lease == null || lease.kind() != Lease.Kind.SESSION) && sessions.remove(id) != null) {
                onEnded.accept(id);
            }
        }
    }
}
