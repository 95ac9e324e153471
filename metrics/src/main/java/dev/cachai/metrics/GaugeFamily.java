package dev.cachai.metrics;

/** Gauges sharing one name, one per set of label values. */
public final class GaugeFamily extends ScalarFamily<Gauge> {
    GaugeFamily(String name, String help, String... labelNames) {
        super(name, help, labelNames);
    }

    @Override
    public MetricType type() {
        return MetricType.GAUGE;
    }

    @Override
    Gauge newChild() {
        return new Gauge();
    }

    @Override
    double valueOf(Gauge child) {
        return child.value();
    }
}
