package dev.cachai.engine.testing;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.Engine;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.NodeHealth;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.LeaseGrantResult;
import dev.cachai.engine.result.Result;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A single-node gateway for adapter tests (shipped in the engine's test jar): each command is
 * applied at once, in call order, to a real {@link Engine}. Lease deadlines are tracked for
 * TimeToLive answers but never fire; expiry is the server's job and is tested there.
 */
public final class SyncGateway implements CommandGateway, LeaseKeeper {
    private final Engine engine = new Engine();
    private final Map<Long, Long> deadlinesMs = new ConcurrentHashMap<>();
    private final boolean keepsLeases;
    private volatile NodeHealth health = NodeHealth.STANDALONE;

    public SyncGateway() {
        this(true);
    }

    private SyncGateway(boolean keepsLeases) {
        this.keepsLeases = keepsLeases;
    }

    /** A gateway without a lease keeper: adapters then time sessions out themselves. */
    public static SyncGateway withoutLeaseKeeper() {
        return new SyncGateway(false);
    }

    @Override
    public synchronized CompletableFuture<Result> propose(Command command) {
        try {
            Result r = engine.apply(System.currentTimeMillis(), command);
            if (r instanceof LeaseGrantResult g) {
                deadlinesMs.put(g.id(), System.currentTimeMillis() + g.ttlSeconds() * 1000);
            }
            return CompletableFuture.completedFuture(r);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Long> readBarrier() {
        return CompletableFuture.completedFuture(engine.revision());
    }

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public NodeHealth health() {
        return health;
    }

    /** What the node reports from now on (a node without a leader, a stopped node...). */
    public void health(NodeHealth health) {
        this.health = health;
    }

    @Override
    public LeaseKeeper leases() {
        return keepsLeases ? this : null;
    }

    @Override
    public boolean keepAlive(long leaseId) {
        Lease lease = engine.lease(leaseId);
        if (lease == null) {
            return false;
        }
        deadlinesMs.put(leaseId, System.currentTimeMillis() + lease.ttlMs());
        return true;
    }

    @Override
    public long remainingMs(long leaseId) {
        Lease lease = engine.lease(leaseId);
        if (lease == null) {
            return -1;
        }
        long deadline = deadlinesMs.computeIfAbsent(leaseId, id -> System.currentTimeMillis() + lease.ttlMs());
        return Math.max(0, deadline - System.currentTimeMillis());
    }
}
