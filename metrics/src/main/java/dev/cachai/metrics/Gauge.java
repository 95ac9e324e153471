package dev.cachai.metrics;

import java.util.function.DoubleSupplier;

/** A value that goes up and down: set directly, or read through {@link #track} at each scrape. */
public final class Gauge {
    private volatile double value;
    private volatile DoubleSupplier source;

    public void set(double v) {
        value = v;
    }

    /** Reads the value from {@code source} at each scrape, from now on. */
    public void track(DoubleSupplier source) {
        this.source = source;
    }

    public double value() {
        DoubleSupplier s = source;
        return s != null ? s.getAsDouble() : value;
    }
}
