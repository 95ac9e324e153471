package dev.cachai.server.driver;

import java.util.ArrayDeque;

/**
 * etcd's periodic mode for a window W: every tenth of min(W, 1 h) sample the revision, keeping
 * W / sample period + 1 samples; once W has passed since the start, compact to the oldest sample
 * (the revision current W ago; at later compactions, as in etcd, W and one sample period ago),
 * then wait min(W, 1 h) before the next. A failed compaction is retried at the next sample.
 */
final class PeriodicCompactor implements AutoCompactor {
    private static final long HOUR_MS = 3_600_000;
    private static final int SAMPLES_PER_INTERVAL = 10;

    private final long compactIntervalMs;
    private final long sampleIntervalMs;
    private final int samplesMax;
    private final ArrayDeque<Long> samples = new ArrayDeque<>();
    private final Schedule sampling;
    /**
     * When the compaction that last happened was asked for: etcd reads its clock once the
     * compaction is done, which in its own tests is the same instant.
     */
    private long lastCompactedMs;
    private long askedMs;
    /** The full window before the first compaction, then min(window, 1 h). */
    private long waitMs;

    PeriodicCompactor(long windowMs, long startMs, long revision) {
        if (windowMs < SAMPLES_PER_INTERVAL) {
            throw new IllegalArgumentException("window must be at least " + SAMPLES_PER_INTERVAL + " ms");
        }
        this.compactIntervalMs = Math.min(windowMs, HOUR_MS);
        this.sampleIntervalMs = sampleIntervalMs(windowMs);
        this.samplesMax = (int) (windowMs / sampleIntervalMs) + 1;
        this.sampling = new Schedule(startMs, sampleIntervalMs);
        this.lastCompactedMs = startMs;
        this.waitMs = windowMs;
        samples.addLast(revision);
    }

    @Override
    public synchronized long poll(long nowMs, long revision) {
        if (!sampling.due(nowMs)) {
            return NONE;
        }
        long target = NONE;
        if (nowMs - lastCompactedMs >= waitMs) {
            waitMs = compactIntervalMs;
            target = samples.peekFirst();
            askedMs = nowMs;
        }
        samples.addLast(revision);
        if (samples.size() > samplesMax) {
            samples.removeFirst();
        }
        return target;
    }

    @Override
    public synchronized void compacted() {
        lastCompactedMs = askedMs;
    }

    /** A tenth of the window, or of an hour for longer windows. */
    static long sampleIntervalMs(long windowMs) {
        return Math.min(windowMs, HOUR_MS) / SAMPLES_PER_INTERVAL;
    }
}
