package dev.cachai.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Observations counted into fixed buckets (upper bounds, inclusive), with their sum and count. */
public final class Histogram {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double[] upperBounds;
    /** Per bucket, not cumulative; the last one is +Inf. */
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double[] upperBounds) {
        this.upperBounds = upperBounds;
        this.counts = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void observe(double value) {
        int i = 0;
        while (i < upperBounds.length && value > upperBounds[i]) {
            i++;
        }
        counts[i].increment();
        sum.add(value);
    }

    /** Observes a duration measured in nanoseconds, in seconds (the unit of etcd's *_seconds histograms). */
    public void observeNanos(long nanos) {
        observe(nanos / NANOS_PER_SECOND);
    }

    double[] upperBounds() {
        return upperBounds;
    }

    /** Cumulative counts per bucket, +Inf last (read bucket by bucket: a scrape may be a few observations off). */
    public long[] cumulativeCounts() {
        long[] out = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i].sum();
            out[i] = running;
        }
        return out;
    }

    public double sum() {
        return sum.sum();
    }
}
