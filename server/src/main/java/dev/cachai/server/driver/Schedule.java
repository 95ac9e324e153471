package dev.cachai.server.driver;

/**
 * Fixed-period steps on a clock that is looked at now and then: due once per period, without
 * drifting when the looks come late, and without a burst of steps after a long gap.
 */
final class Schedule {
    private final long periodMs;
    private long nextMs;

    Schedule(long startMs, long periodMs) {
        this.periodMs = periodMs;
        this.nextMs = startMs + periodMs;
    }

    /** Whether a step is due at {@code nowMs}; if so, the next one is a period on. */
    boolean due(long nowMs) {
        if (nowMs < nextMs) {
            return false;
        }
        nextMs += periodMs;
        if (nextMs <= nowMs) {
            nextMs = nowMs + periodMs;
        }
        return true;
    }
}
