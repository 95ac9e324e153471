package dev.cachai.metrics;

/** The metric types of the Prometheus text format (this registry writes the first three; others are read). */
public enum MetricType {
    COUNTER("counter"),
    GAUGE("gauge"),
    HISTOGRAM("histogram"),
    SUMMARY("summary"),
    UNTYPED("untyped");

    private final String text;

    MetricType(String text) {
        this.text = text;
    }

    /** The word on the {@code # TYPE} line. */
    public String text() {
        return text;
    }

    /** The type named on a {@code # TYPE} line. */
    public static MetricType ofText(String text) {
        for (MetricType t : values()) {
            if (t.text.equals(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown metric type '" + text + "'");
    }
}
