package dev.cachai.metrics;

import java.math.BigDecimal;
import java.util.List;

/**
 * The Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE} lines, then one
 * line per sample. Numbers are written as Go's Prometheus client writes them ({@code 1e+06},
 * {@code 0.001}, {@code +Inf}), so our output reads like etcd's.
 */
public final class TextFormat {
    /** The Content-Type of a scrape response. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Go's shortest formatting switches to an exponent from 10^6 on and below 10^-4. */
    private static final int EXPONENT_FROM = 6;
    private static final int EXPONENT_BELOW = -4;

    private TextFormat() {}

    /** Builds one scrape. */
    static final class Writer {
        private final StringBuilder out = new StringBuilder(4096);
        private final StringBuilder samples = new StringBuilder(1024);

        void family(Family<?> family) {
            samples.setLength(0);
            family.writeSamples(this);
            if (samples.length() == 0) {
                return;
            }
            out.append("# HELP ").append(family.name()).append(' ');
            escape(family.help(), false, out);
            out.append("\n# TYPE ").append(family.name()).append(' ').append(family.type().text()).append('\n');
            out.append(samples);
        }

        /** One sample line; {@code extraLabel} (a histogram's {@code le}) comes after the family's labels. */
        void sample(String name, List<String> labelNames, List<String> labelValues, String extraLabel,
                    String extraValue, double value) {
            samples.append(name);
            if (!labelNames.isEmpty() || extraLabel != null) {
                samples.append('{');
                for (int i = 0; i < labelNames.size(); i++) {
                    label(labelNames.get(i), labelValues.get(i), i > 0);
                }
                if (extraLabel != null) {
                    label(extraLabel, extraValue, !labelNames.isEmpty());
                }
                samples.append('}');
            }
            samples.append(' ').append(number(value)).append('\n');
        }

        private void label(String name, String value, boolean comma) {
            if (comma) {
                samples.append(',');
            }
            samples.append(name).append("=\"");
            escape(value, true, samples);
            samples.append('"');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    /** Backslash and newline are escaped everywhere, the double quote only in label values. */
    static void escape(String s, boolean quote, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '"' && quote) {
                out.append("\\\"");
            } else {
                out.append(c);
            }
        }
    }

    /** A sample value as Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} writes it. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exponent = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exponent < EXPONENT_BELOW || exponent >= EXPONENT_FROM) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String e = Integer.toString(Math.abs(exponent));
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return sign + d.toPlainString();
    }
}
