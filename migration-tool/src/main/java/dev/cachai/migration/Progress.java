package dev.cachai.migration;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One self-overwriting line on stderr with count, rate and ETA. Updated by whoever counts; printed at most once per
 * {@link #PRINT_INTERVAL_NANOS} so a fast copy does not spend its time printing.
 */
public final class Progress {
    static final long PRINT_INTERVAL_NANOS = 1_000_000_000L;

    private final String label;
    private final PrintStream out;
    private final boolean enabled;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastPrintNanos = new AtomicLong(startedNanos);
    private volatile long expected;

    public Progress(String label, PrintStream out, boolean enabled) {
        this.label = label;
        this.out = out;
        this.enabled = enabled;
    }

    /** The total, when the source can tell it up front (ZooKeeper's getAllChildrenNumber, etcd's count). */
    public void expect(long total) {
        expected = total;
    }

    public void add(long n) {
        done.addAndGet(n);
        long now = System.nanoTime();
        long last = lastPrintNanos.get();
        if (enabled && now - last >= PRINT_INTERVAL_NANOS && lastPrintNanos.compareAndSet(last, now)) {
            out.print("\r" + line(now));
            out.flush();
        }
    }

    public long done() {
        return done.get();
    }

    /** Keys per second since the start. */
    public double rate() {
        double seconds = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
        return done.get() / seconds;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    public void finish() {
        if (enabled) {
            out.println("\r" + line(System.nanoTime()));
        }
    }

    private String line(long now) {
        long n = done.get();
        double seconds = Math.max(1e-9, (now - startedNanos) / 1e9);
        double rate = n / seconds;
        String total = expected > 0 ? " / ~" + expected : "";
        String eta = expected > n && rate > 0 ? String.format(", ETA %.0f s", (expected - n) / rate) : "";
        return String.format("%s: %d%s keys, %.0f keys/s, %.1f s elapsed%s   ", label, n, total, rate, seconds, eta);
    }
}
