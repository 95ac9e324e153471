package dev.cachai.metrics;

/** Counters sharing one name, one per set of label values. */
public final class CounterFamily extends ScalarFamily<Counter> {
    CounterFamily(String name, String help, String... labelNames) {
        super(name, help, labelNames);
    }

    @Override
    public MetricType type() {
        return MetricType.COUNTER;
    }

    @Override
    Counter newChild() {
        return new Counter();
    }

    @Override
    double valueOf(Counter child) {
        return child.value();
    }
}
