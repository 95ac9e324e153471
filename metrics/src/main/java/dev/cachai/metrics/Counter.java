package dev.cachai.metrics;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A count that only goes up. Increments are a {@link LongAdder} (cheap under contention); a
 * counter kept elsewhere (a log's fsync count, CPU time) is read through {@link #track}.
 */
public final class Counter {
    private final LongAdder count = new LongAdder();
    private volatile DoubleSupplier source;

    public void inc() {
        count.increment();
    }

    public void add(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("a counter cannot go down (add " + n + ")");
        }
        count.add(n);
    }

    /** Reads the value from {@code source} from now on, instead of this counter's own count. */
    public void track(DoubleSupplier source) {
        this.source = source;
    }

    public double value() {
        DoubleSupplier s = source;
        return s != null ? s.getAsDouble() : count.sum();
    }
}
