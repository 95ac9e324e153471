package dev.cachai.server.driver;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.ZkReap;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.CompactResult;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.Result;
import dev.cachai.server.config.AutoCompaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What only the leader decides, because it needs a clock: lease and session expiry, the reaping
 * of empty containers and expired TTL nodes, and the compaction of old MVCC history: always a
 * guard on memory (history lives in memory, so without it every write of a ZooKeeper-only user
 * would be kept for ever), and etcd's auto-compaction when it is configured. The decisions enter
 * the log as commands. The clock is the driver's. A single node is always its own leader.
 */
public final class LeaderDuties {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

    private final LeaseTimers timers;
    private final Supplier<Engine> engine;
    private final BooleanSupplier leading;
    private final Function<Command, CompletableFuture<Result>> propose;
    private final LongSupplier clockMs;
    private final int reapBatchMax;
    private final long historyRetainedRevisions;
    private final AutoCompaction autoCompaction;
    private final long revisionCompactionCheckMs;
    /** This leadership's auto-compactor; null while not leading (the next leadership starts a new one). */
    private AutoCompactor compactor;
    /** An auto-compaction proposed and not answered yet: etcd's compactor waits for each one. */
    private volatile boolean compactionInFlight;

    /**
     * @param revisionCompactionCheckMs how often revision-mode auto-compaction looks (etcd: 5 minutes)
     */
    public LeaderDuties(LeaseTimers timers, Supplier<Engine> engine, BooleanSupplier leading,
                        Function<Command, CompletableFuture<Result>> propose, LongSupplier clockMs, int reapBatchMax,
                        long historyRetainedRevisions, AutoCompaction autoCompaction, long revisionCompactionCheckMs) {
        this.timers = timers;
        this.engine = engine;
        this.leading = leading;
        this.propose = propose;
        this.clockMs = clockMs;
        this.reapBatchMax = reapBatchMax;
        this.historyRetainedRevisions = historyRetainedRevisions;
        this.autoCompaction = autoCompaction;
        this.revisionCompactionCheckMs = revisionCompactionCheckMs;
    }

    public void schedule(ScheduledExecutorService executor, long leaseCheckIntervalMs, long reapIntervalMs) {
        executor.scheduleWithFixedDelay(this::expireLeases, leaseCheckIntervalMs, leaseCheckIntervalMs,
                TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::reapNodes, reapIntervalMs, reapIntervalMs, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::compactHistory, reapIntervalMs, reapIntervalMs, TimeUnit.MILLISECONDS);
        if (!(autoCompaction instanceof AutoCompaction.Off)) {
            long pollMs = Math.min(reapIntervalMs,
                    AutoCompactor.pollIntervalMs(autoCompaction, revisionCompactionCheckMs));
            executor.scheduleWithFixedDelay(this::autoCompact, pollMs, pollMs, TimeUnit.MILLISECONDS);
        }
    }

    void expireLeases() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            for (Lease l : timers.takeExpired()) {
                propose.apply(l.kind() == Lease.Kind.SESSION ? new LeaseCommand.SessionClose(l.id(), true)
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
            for (String path : engine.get().zkReapable(clockMs.getAsLong(), reapBatchMax)) {
                propose.apply(new ZkReap(path));
            }
        } catch (RuntimeException e) {
            LOG.warn("container/TTL reap failed", e);
        }
    }

    /**
     * Once twice the retained history is uncompacted, compacts to the newest retained revisions:
     * a compaction visits every key holding history, so it runs once per retained-many writes,
     * not per check.
     */
    void compactHistory() {
        if (!leading.getAsBoolean()) {
            return;
        }
        try {
            Engine e = engine.get();
            long revision = e.revision();
            if (revision - e.compactRevision() >= 2 * historyRetainedRevisions) {
                propose.apply(new Compact(revision - historyRetainedRevisions));
            }
        } catch (RuntimeException e) {
            LOG.warn("history compaction failed", e);
        }
    }

    /** etcd's auto-compaction, on top of the memory guard: polls this leadership's compactor. */
    void autoCompact() {
        if (!leading.getAsBoolean()) {
            compactor = null;
            return;
        }
        try {
            Engine e = engine.get();
            long now = clockMs.getAsLong();
            if (compactor == null) {
                compactor = AutoCompactor.start(autoCompaction, revisionCompactionCheckMs, now, e.revision());
                return;
            }
            if (compactionInFlight) {
                return;
            }
            long target = compactor.poll(now, e.revision());
            if (target == AutoCompactor.NONE) {
                return;
            }
            if (target <= e.compactRevision()) {
                compactor.compacted();
                return;
            }
            proposeAutoCompaction(compactor, target);
        } catch (RuntimeException ex) {
            LOG.warn("auto-compaction failed", ex);
        }
    }

    private void proposeAutoCompaction(AutoCompactor asker, long target) {
        LOG.info("auto-compaction ({}) to revision {}", autoCompaction, target);
        compactionInFlight = true;
        propose.apply(new Compact(target)).whenComplete((result, error) -> {
            if (error == null && (result instanceof CompactResult
                    || result instanceof Failed f && f.error() == EtcdError.COMPACTED)) {
                asker.compacted();
            } else {
                LOG.warn("auto-compaction to revision {} failed: {}", target, error != null ? error : result);
            }
            compactionInFlight = false;
        });
    }
}
