package dev.cachai.server.config;

import dev.cachai.etcd.auth.GoDurations;

import java.time.Duration;

/**
 * etcd's {@code --auto-compaction-mode} and {@code --auto-compaction-retention}: how much MVCC
 * history the leader keeps on top of the in-memory guard that always runs.
 */
public sealed interface AutoCompaction {
    /** etcd's default: retention "0", no automatic compaction. */
    AutoCompaction OFF = new Off();
    String MODE_PERIODIC = "periodic";
    String MODE_REVISION = "revision";
    /** The leader samples the revision every tenth of the window: below this the sample period rounds to nothing. */
    long WINDOW_MS_MIN = 10;

    record Off() implements AutoCompaction {}

    /** Keep the newest {@code retained} revisions (etcd's revision mode). */
    record Revisions(long retained) implements AutoCompaction {
        public Revisions {
            if (retained < 1) {
                throw new IllegalArgumentException("retained revisions must be >= 1");
            }
        }
    }

    /** Keep what was written in the last {@code windowMs} (etcd's periodic mode). */
    record Periodic(long windowMs) implements AutoCompaction {
        public Periodic {
            if (windowMs < WINDOW_MS_MIN) {
                throw new IllegalArgumentException("auto-compaction-retention: a periodic window must be at least "
                        + WINDOW_MS_MIN + "ms");
            }
        }
    }

    /**
     * Reads the two options as etcd does: a bare number is revisions in revision mode and hours in
     * periodic mode; periodic mode also takes a Go duration ("30m", "1h30m"); "0" switches it off.
     * Unlike etcd, a duration in revision mode and a negative window are refused instead of being
     * taken as billions of revisions or as "compact all the time".
     *
     * @param mode      null means etcd's flag default, periodic
     * @param retention null means etcd's default, "0"
     */
    static AutoCompaction parse(String mode, String retention) {
        String m = mode == null ? MODE_PERIODIC : mode.trim();
        String r = retention == null ? "0" : retention.trim();
        if (!m.equals(MODE_PERIODIC) && !m.equals(MODE_REVISION)) {
            throw new IllegalArgumentException("unknown auto-compaction-mode \"" + m + "\" (periodic or revision)");
        }
        Long number = wholeNumber(r);
        if (m.equals(MODE_REVISION)) {
            if (number == null || number < 0) {
                throw new IllegalArgumentException("auto-compaction-retention: in revision mode it is a number of "
                        + "revisions (0 = off), got '" + r + "'");
            }
            return number == 0 ? OFF : new Revisions(number);
        }
        Duration window = number != null && number >= 0 ? hours(number, r) : duration(r);
        if (window.isNegative()) {
            throw new IllegalArgumentException("auto-compaction-retention: a periodic window must not be negative, got '"
                    + r + "'");
        }
        return window.isZero() ? OFF : new Periodic(window.toMillis());
    }

    /** As Go's strconv.Atoi reads it (an optional sign, decimal digits), or null. */
    private static Long wholeNumber(String text) {
        if (!text.matches("[+-]?[0-9]+")) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Go's time.Duration holds at most this many hours (int64 nanoseconds). */
    private static Duration hours(long number, String text) {
        if (number > Long.MAX_VALUE / Duration.ofHours(1).toNanos()) {
            throw new IllegalArgumentException("auto-compaction-retention: " + text
                    + " hours is longer than a Go duration holds");
        }
        return Duration.ofHours(number);
    }

    private static Duration duration(String text) {
        try {
            return GoDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auto-compaction-retention: error parsing CompactionRetention: "
                    + e.getMessage(), e);
        }
    }
}
