package dev.cachai.server.driver;

import dev.cachai.engine.Engine;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.CommandCodec;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.result.Result;
import dev.cachai.server.log.CommandLog;
import dev.cachai.server.storage.DataDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The single-node path from proposal to apply: one thread drains the proposal queue in batches,
 * appends the batch to the command log, fsyncs once (group commit), applies in order and
 * completes the callers' futures. It also proposes lease expiries and container/TTL reaps.
 */
public final class LocalDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDriver.class);
    private static final long STANDALONE_LEADER_ID = 1;

    /** A proposal or, with a null command, a read barrier. */
    private record Pending(Command command, CompletableFuture<Result> result, CompletableFuture<Long> barrier) {}

    private final Engine engine;
    private final CommandLog log;
    private final DriverLimits limits;
    private final ArrayBlockingQueue<Pending> queue;
    private final LeaseTimers timers;
    private final Thread applier;
    private final ScheduledExecutorService housekeeping;
    private final DataDir dataDir;
    /** Metrics and health: told of progress, applied commands and disk timings. */
    private final DriverObserver observer;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** Log index of the last applied record (apply thread only). */
    private long appliedIndex;
    private long lastSnapshotIndex;
    private volatile boolean snapshotInProgress;

    /**
     * @param appliedIndex the log index the engine already reflects (from the snapshot and replay)
     */
    public LocalDriver(Engine engine, CommandLog log, DataDir dataDir, long appliedIndex, DriverLimits limits) {
        this(engine, log, dataDir, appliedIndex, limits, DriverObserver.NONE);
    }

    public LocalDriver(Engine engine, CommandLog log, DataDir dataDir, long appliedIndex, DriverLimits limits,
                       DriverObserver observer) {
        this.observer = observer;
        // Alone, the node leads itself from the start; the id only has to be nonzero.
        observer.leaderIs(STANDALONE_LEADER_ID, true);
        observer.progress(appliedIndex, appliedIndex);
        this.engine = engine;
        this.log = log;
        this.dataDir = dataDir;
        this.appliedIndex = appliedIndex;
        this.lastSnapshotIndex = appliedIndex;
        this.limits = limits;
        this.queue = new ArrayBlockingQueue<>(limits.proposalsQueuedMax());
        this.timers = new LeaseTimers(engine, System::currentTimeMillis);
        this.timers.restartAll();
        this.applier = new Thread(this::applyLoop, "cachai-apply");
        this.applier.setDaemon(true);
        this.applier.start();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cachai-housekeeping");
            t.setDaemon(true);
            return t;
        });
        new LeaderDuties(timers, () -> engine, () -> true, this::propose, limits.reapBatchMax())
                .schedule(housekeeping, limits.leaseCheckIntervalMs(), limits.reapIntervalMs());
    }

    @Override
    public CompletableFuture<Result> propose(Command command) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        enqueue(new Pending(command, f, null), f);
        return f;
    }

    @Override
    public CompletableFuture<Long> readBarrier() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        enqueue(new Pending(null, null, f), f);
        return f;
    }

    private void enqueue(Pending p, CompletableFuture<?> f) {
        if (!running) {
            f.completeExceptionally(new GatewayException(failure == null ? EtcdError.STOPPED : EtcdError.CORRUPT));
        } else if (!queue.offer(p)) {
            f.completeExceptionally(new GatewayException(EtcdError.TOO_MANY_REQUESTS));
        } else if (!running && queue.remove(p)) {
            // Stopped between the check and the offer: the apply loop may already have drained.
            f.completeExceptionally(new GatewayException(EtcdError.STOPPED));
        }
    }

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public LeaseKeeper leases() {
        return timers;
    }

    private void applyLoop() {
        List<Pending> batch = new ArrayList<>(limits.batchProposalsMax());
        try {
            while (running) {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, limits.batchProposalsMax() - 1);
                commitBatch(batch);
                batch.clear();
                maybeSnapshot();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            running = false;
            LOG.error("apply loop stopped: the node can no longer accept writes", e);
            failAll(batch, EtcdError.CORRUPT);
        }
        observer.stopped();
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest, EtcdError.STOPPED);
    }

    private void commitBatch(List<Pending> batch) {
        long timeMs = System.currentTimeMillis();
        List<byte[]> records = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            if (p.command() != null) {
                records.add(CommandCodec.encode(timeMs, p.command()));
            }
        }
        if (!records.isEmpty()) {
            long started = System.nanoTime();
            log.appendAll(records);
            log.sync();
            observer.logSynced(System.nanoTime() - started);
        }
        for (Pending p : batch) {
            if (p.command() == null) {
                p.barrier().complete(engine.revision());
                continue;
            }
            Result r = engine.apply(timeMs, p.command());
            appliedIndex++;
            timers.onApplied(p.command(), r);
            observer.applied(p.command(), r);
            p.result().complete(r);
        }
        observer.progress(appliedIndex, appliedIndex);
    }

    /**
     * Every {@code snapshotEveryRecords} records, pins a snapshot here on the apply thread and
     * writes it on the housekeeping thread; the log below it is then deleted.
     */
    private void maybeSnapshot() {
        if (snapshotInProgress || appliedIndex - lastSnapshotIndex < limits.snapshotEveryRecords()) {
            return;
        }
        snapshotInProgress = true;
        lastSnapshotIndex = appliedIndex;
        EngineSnapshot snap = engine.beginSnapshot(appliedIndex);
        housekeeping.execute(() -> writeSnapshot(snap));
    }

    private void writeSnapshot(EngineSnapshot snap) {
        try (snap) {
            long started = System.nanoTime();
            snap.writeTo(dataDir.snapshotFile(snap.appliedIndex()));
            observer.snapshotWritten(System.nanoTime() - started);
            log.truncateBefore(snap.appliedIndex() + 1);
            dataDir.purgeSnapshots();
            LOG.info("snapshot at revision {} (log index {}) written", snap.revision(), snap.appliedIndex());
        } catch (RuntimeException e) {
            LOG.error("snapshot failed; the log is kept", e);
        } finally {
            snapshotInProgress = false;
        }
    }

    /** Applies a recovered log record (before the driver starts serving). */
    public static void replay(Engine engine, byte[] record) {
        CommandCodec.Stamped s = CommandCodec.decode(record);
        engine.apply(s.timeMs(), s.command());
    }

    private static void failAll(List<Pending> batch, EtcdError error) {
        for (Pending p : batch) {
            CompletableFuture<?> f = p.command() == null ? p.barrier() : p.result();
            f.completeExceptionally(new GatewayException(error));
        }
    }

    @Override
    public boolean healthy() {
        return running && failure == null;
    }

    @Override
    public void close() {
        running = false;
        housekeeping.shutdownNow();
        try {
            applier.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }
}
