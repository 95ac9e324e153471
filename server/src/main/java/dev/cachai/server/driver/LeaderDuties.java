package dev.cachai.server.driver;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.ZkReap;
import dev.cachai.engine.lease.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What only the leader decides, because it needs a clock: lease and session expiry, the reaping
 * of empty containers and expired TTL nodes, and the compaction of old MVCC history (kept in
 * memory, so without it every write of a ZooKeeper-only user would be kept for ever). The
 * decisions enter the log as commands.
 * A single node is always its own leader.
 */
public final class LeaderDuties {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

    private final LeaseTimers timers;
    private final Supplier<Engine> engine;
    private final BooleanSupplier leading;
    private final Consumer<Command> propose;
    private final int reapBatchMax;
    private final long historyRetainedRevisions;

    public LeaderDuties(LeaseTimers timers, Supplier<Engine> engine, BooleanSupplier leading, Consumer<Command> propose,
                 int reapBatchMax, long historyRetainedRevisions) {
        this.timers = timers;
        this.engine = engine;
        this.leading = leading;
        this.propose = propose;
        this.reapBatchMax = reapBatchMax;
        this.historyRetainedRevisions = historyRetainedRevisions;
    }

    public void schedule(ScheduledExecutorService executor, long leaseCheckIntervalMs, long reapIntervalMs) {
        executor.scheduleWithFixedDelay(this::expireLeases, leaseCheckIntervalMs, leaseCheckIntervalMs,
                TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::reapNodes, reapIntervalMs, reapIntervalMs, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::compactHistory, reapIntervalMs, reapIntervalMs, TimeUnit.MILLISECONDS);
    }

    void expireLeases() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            for (Lease l : timers.takeExpired()) {
                propose.accept(l.kind() == Lease.Kind.SESSION ? new LeaseCommand.SessionClose(l.id(), true)
                        : new LeaseCommand.Revoke(l.id()));
            }
        } catch (RuntimeException e) {
            LOG.warn("lease expiry check failed", e);
        }
    }

    void reapNodes() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            for (String path : engine.get().zkReapable(System.currentTimeMillis(), reapBatchMax)) {
                propose.accept(new ZkReap(path));
            }
        } catch (RuntimeException e) {
            LOG.warn("container/TTL reap failed", e);
        }
    }

    /**
     * Once twice the retained history is uncompacted, compacts to the newest retained revisions:
     * a compaction walks every key, so it runs once per retained-many writes, not per check.
     */
    void compactHistory() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            Engine e = engine.get();
            long revision = e.revision();
            if (revision - e.compactRevision() >= 2 * historyRetainedRevisions) {
                propose.accept(new Compact(revision - historyRetainedRevisions));
            }
        } catch (RuntimeException e) {
            LOG.warn("history compaction failed", e);
        }
    }
}
