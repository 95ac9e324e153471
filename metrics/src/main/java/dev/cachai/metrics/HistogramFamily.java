package dev.cachai.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Histograms sharing one name and bucket layout, one per set of label values. */
public final class HistogramFamily extends Family<Histogram> {
    private final double[] upperBounds;

    HistogramFamily(String name, String help, double[] upperBounds, String... labelNames) {
        super(name, help, labelNames);
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException(name + ": a histogram needs at least one bucket");
        }
        for (int i = 0; i < upperBounds.length; i++) {
            if (Double.isNaN(upperBounds[i]) || Double.isInfinite(upperBounds[i])
                    || i > 0 && upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException(name + ": bucket bounds must be finite and increasing: "
                        + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
    }

    @Override
    public MetricType type() {
        return MetricType.HISTOGRAM;
    }

    @Override
    Histogram newChild() {
        return new Histogram(upperBounds);
    }

    boolean sameBuckets(double[] bounds) {
        return Arrays.equals(upperBounds, bounds);
    }

    @Override
    void writeSamples(TextFormat.Writer out) {
        for (Map.Entry<List<String>, Histogram> e : sortedChildren()) {
            long[] cumulative = e.getValue().cumulativeCounts();
            for (int i = 0; i < cumulative.length; i++) {
                String le = i < upperBounds.length ? TextFormat.number(upperBounds[i]) : "+Inf";
                out.sample(name() + "_bucket", labelNames(), e.getKey(), "le", le, cumulative[i]);
            }
            out.sample(name() + "_sum", labelNames(), e.getKey(), null, null, e.getValue().sum());
            out.sample(name() + "_count", labelNames(), e.getKey(), null, null, cumulative[cumulative.length - 1]);
        }
    }
}
