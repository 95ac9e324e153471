package dev.cachai.metrics;

/** Bucket layouts, as Prometheus client libraries build them. */
public final class Buckets {
    private Buckets() {}

    /** {@code count} bounds: start, start·factor, start·factor², ... (etcd's disk histograms: 0.001, 2, 14). */
    public static double[] exponential(double start, double factor, int count) {
        if (start <= 0 || factor <= 1 || count < 1) {
            throw new IllegalArgumentException("exponential buckets need start > 0, factor > 1, count >= 1");
        }
        double[] out = new double[count];
        double bound = start;
        for (int i = 0; i < count; i++) {
            out[i] = bound;
            bound *= factor;
        }
        return out;
    }
}
