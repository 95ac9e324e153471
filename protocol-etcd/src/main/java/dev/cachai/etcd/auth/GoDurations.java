package dev.cachai.etcd.auth;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Go's time.ParseDuration reads them ("5m", "1h30m", "1.5s", "300ms"). */
public final class GoDurations {
    private static final Pattern WHOLE = Pattern.compile("[-+]?(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+");
    private static final Pattern COMPONENT = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");
    private static final Map<String, Long> UNIT_NANOS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L,
            "\u03bcs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final BigDecimal NANOS_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private GoDurations() {}

    /** The duration, or an IllegalArgumentException naming the text Go would refuse. */
    public static Duration parse(String text) {
        if (text.equals("0") || text.equals("+0") || text.equals("-0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher m = COMPONENT.matcher(text);
        while (m.find()) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNIT_NANOS.get(m.group(2)))));
        }
        if (nanos.compareTo(NANOS_MAX) > 0) {
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
        }
        long whole = nanos.longValue();
        return Duration.ofNanos(text.startsWith("-") ? -whole : whole);
    }
}
