package dev.cachai.server.driver;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Command;
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
 * What only the leader decides, because it needs a clock: lease and session expiry, and the
 * reaping of empty containers and expired TTL nodes. The decisions enter the log as commands.
 * A single node is always its own leader.
 */
public final class LeaderDuties {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

    private final LeaseTimers timers;
    private final Supplier<Engine> engine;
    private final BooleanSupplier leading;
    private final Consumer<Command> propose;
    private final int reapBatchMax;

    public LeaderDuties(LeaseTimers timers, Supplier<Engine> engine, BooleanSupplier leading, Consumer<Command> propose,
                 int reapBatchMax) {
        this.timers = timers;
        this.engine = engine;
        this.leading = leading;
        this.propose = propose;
        this.reapBatchMax = reapBatchMax;
    }

    public void schedule(ScheduledExecutorService executor, long leaseCheckIntervalMs, long reapIntervalMs) {
        executor.scheduleWithFixedDelay(this::expireLeases, leaseCheckIntervalMs, leaseCheckIntervalMs,
                TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::reapNodes, reapIntervalMs, reapIntervalMs, TimeUnit.MILLISECONDS);
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
}
