package dev.cachai.server.cluster;

import dev.cachai.consensus.Ready;
import dev.cachai.consensus.wal.Wal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs the consensus log's fsync on a thread of its own, one at a time. The loop used to block in
 * it: with three members on one disk a sync takes 0.5-1.4 ms, about 45% of the loop's time
 * under load, while peer frames and proposals waited in its queue. Now the loop writes a Ready's
 * records, starts its sync here and goes on feeding the node; it carries out the rest of that
 * Ready (and takes the next) once {@link #finishIfDone} sees the sync done. Only the loop thread
 * calls these methods; the log is touched by the sync thread alone while a sync is in flight.
 */
final class LogSyncs {
    private static final Logger LOG = LoggerFactory.getLogger(LogSyncs.class);
    /** A sync still running when the loop stops is waited for this long before the log closes. */
    private static final long STOP_WAIT_MS_MAX = 10_000;

    /** Makes everything written so far durable ({@link Wal#sync}). */
    private final Runnable syncLog;
    /** Wakes the loop (it may be waiting for its next event); must not block. */
    private final Runnable wakeLoop;
    /** The rest of a synced Ready, with the sync's duration in nanoseconds; runs on the loop. */
    private final BiConsumer<Ready, Long> afterSync;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cachai-wal-sync");
        t.setDaemon(true);
        return t;
    });
    private Ready inFlight;
    private volatile boolean done;
    private volatile long syncNanos;
    private volatile Throwable failure;

    LogSyncs(Runnable syncLog, Runnable wakeLoop, BiConsumer<Ready, Long> afterSync) {
        this.syncLog = syncLog;
        this.wakeLoop = wakeLoop;
        this.afterSync = afterSync;
    }

    boolean inFlight() {
        return inFlight != null;
    }

    /** A sync is in flight for a Ready whose committed entries were applied before it (so later chosen ones may follow). */
    boolean inFlightMayApplyBeforeSync() {
        return inFlight != null && inFlight.mayApplyBeforeSync();
    }

    /** Syncs what {@code ready} wrote; the loop must not touch the log until {@link #finishIfDone} ran it. */
    void start(Ready ready) {
        if (inFlight != null) {
            throw new IllegalStateException("a log sync is already in flight");
        }
        inFlight = ready;
        done = false;
        thread.execute(this::sync);
    }

    /** Syncs on the calling (loop) thread and carries out the rest of {@code ready} at once. */
    void syncHere(Ready ready) {
        if (inFlight != null) {
            throw new IllegalStateException("a log sync is already in flight");
        }
        long started = System.nanoTime();
        syncLog.run();
        afterSync.accept(ready, System.nanoTime() - started);
    }

    private void sync() {
        long started = System.nanoTime();
        try {
            syncLog.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        syncNanos = System.nanoTime() - started;
        done = true;
        wakeLoop.run();
    }

    /**
     * Carries out the rest of the Ready whose sync finished, if one did. A failed sync is thrown
     * here, on the loop, which then stops: a log that could not sync is never written again.
     */
    void finishIfDone() {
        if (inFlight == null || !done) {
            return;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        Ready ready = inFlight;
        inFlight = null;
        afterSync.accept(ready, syncNanos);
    }

    /** Lets a sync in flight finish (the log is closed after this), then ends the thread. */
    void stop() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(STOP_WAIT_MS_MAX, TimeUnit.MILLISECONDS)) {
                LOG.warn("a consensus log sync did not finish in {} ms", STOP_WAIT_MS_MAX);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
