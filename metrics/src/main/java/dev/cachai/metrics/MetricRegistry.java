package dev.cachai.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.DoubleSupplier;

/**
 * The metrics of one node, written at each scrape in the Prometheus text format 0.0.4, families
 * sorted by name. Registering a name again returns the family already there (so a component
 * restarted on a new engine keeps its counts); a different type, label set or bucket layout under
 * the same name is a programming error and throws.
 */
public final class MetricRegistry {
    private final ConcurrentSkipListMap<String, Family<?>> families = new ConcurrentSkipListMap<>();

    public CounterFamily counterFamily(String name, String help, String... labelNames) {
        return register(new CounterFamily(name, help, labelNames), CounterFamily.class);
    }

    public GaugeFamily gaugeFamily(String name, String help, String... labelNames) {
        return register(new GaugeFamily(name, help, labelNames), GaugeFamily.class);
    }

    public HistogramFamily histogramFamily(String name, String help, double[] upperBounds, String... labelNames) {
        HistogramFamily family = register(new HistogramFamily(name, help, upperBounds, labelNames),
                HistogramFamily.class);
        if (!family.sameBuckets(upperBounds)) {
            throw new IllegalArgumentException(name + " is already registered with other buckets than "
                    + Arrays.toString(upperBounds));
        }
        return family;
    }

    /** The counter without labels under this name. */
    public Counter counter(String name, String help) {
        return counterFamily(name, help).labels();
    }

    /** A counter without labels whose value is read from {@code source} at each scrape. */
    public Counter counter(String name, String help, DoubleSupplier source) {
        Counter c = counter(name, help);
        c.track(source);
        return c;
    }

    /** The gauge without labels under this name. */
    public Gauge gauge(String name, String help) {
        return gaugeFamily(name, help).labels();
    }

    /** A gauge without labels read from {@code source} at each scrape (replacing an earlier source). */
    public Gauge gauge(String name, String help, DoubleSupplier source) {
        Gauge g = gauge(name, help);
        g.track(source);
        return g;
    }

    public Histogram histogram(String name, String help, double[] upperBounds) {
        return histogramFamily(name, help, upperBounds).labels();
    }

    private <F extends Family<?>> F register(F fresh, Class<F> kind) {
        Family<?> existing = families.putIfAbsent(fresh.name(), fresh);
        if (existing == null) {
            return fresh;
        }
        if (!kind.isInstance(existing) || !existing.sameShape(fresh.type(), fresh.labelNames())) {
            throw new IllegalArgumentException(fresh.name() + " is already registered as a "
                    + existing.type().text() + " with labels " + existing.labelNames());
        }
        return kind.cast(existing);
    }

    /** The names registered so far, sorted. */
    public List<String> names() {
        return List.copyOf(families.keySet());
    }

    /** Every family in the text format; families without any sample yet are left out, as Prometheus clients do. */
    public String scrape() {
        TextFormat.Writer out = new TextFormat.Writer();
        for (Family<?> family : families.values()) {
            out.family(family);
        }
        return out.toString();
    }
}
