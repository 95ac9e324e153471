package dev.cachai.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurement window of one run. Only operations that started inside the window count, so
 * warm-up operations and stragglers after the end are excluded from latency, throughput and errors.
 */
public final class RunContext {
    private static final long LATENCY_NANOS_MAX = TimeUnit.SECONDS.toNanos(60);

    private final LoadSettings settings;
    private final Recorder recorder = new Recorder(LATENCY_NANOS_MAX, 3);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong measuredStarted = new AtomicLong();
    private final AtomicLong lastCompletionNanos = new AtomicLong();
    private volatile long measureStartNanos = Long.MAX_VALUE;
    private volatile long measureEndNanos = Long.MAX_VALUE;
    private volatile Throwable firstError;

    public RunContext(LoadSettings settings) {
        this.settings = settings;
    }

    public LoadSettings settings() { return settings; }

    void openWindow(long startNanos, long endNanos) {
        recorder.reset();
        measureEndNanos = endNanos;
        measureStartNanos = startNanos;
    }

    /** True while new operations should still be issued. */
    boolean keepGoing(long nowNanos) {
        if (nowNanos >= measureEndNanos) {
            return false;
        }
        long opsMax = settings.opsMax();
        return opsMax == 0 || nowNanos < measureStartNanos || measuredStarted.get() < opsMax;
    }

    void noteStart(long startNanos) {
        if (inWindow(startNanos)) {
            measuredStarted.incrementAndGet();
        }
    }

    /** Records the latency of an operation (or delivery) that began at {@code startNanos}. */
    public void recordSince(long startNanos) {
        long now = System.nanoTime();
        if (inWindow(startNanos)) {
            recorder.recordValue(Math.min(now - startNanos, LATENCY_NANOS_MAX));
            lastCompletionNanos.accumulateAndGet(now, Math::max);
        }
    }

    /** Counts a failed operation that began at {@code startNanos}. */
    public void errorSince(long startNanos, Throwable cause) {
        if (inWindow(startNanos)) {
            errors.incrementAndGet();
            if (firstError == null) {
                firstError = cause;
            }
        }
    }

    private boolean inWindow(long startNanos) {
        return startNanos >= measureStartNanos && startNanos < measureEndNanos;
    }

    Histogram takeHistogram() { return recorder.getIntervalHistogram(); }

    long errors() { return errors.get(); }

    Throwable firstError() { return firstError; }

    long measureStartNanos() { return measureStartNanos; }

    long lastCompletionNanos() { return lastCompletionNanos.get(); }
}
