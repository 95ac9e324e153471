package dev.cachai.server.driver;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd's periodic auto-compaction on a fake clock, with a store whose revision rises by one at
 * each sample (the shape of etcd's own periodic compactor tests).
 */
class PeriodicCompactorTest {
    private static final long MINUTE_MS = 60_000;
    private static final long HOUR_MS = 60 * MINUTE_MS;

    private long nowMs = 5_000_000;
    private long revision = 1;

    @Test
    void aTwoHourWindowWaitsTwoHoursThenCompactsHourlyToTheOldestSample() {
        PeriodicCompactor c = new PeriodicCompactor(2 * HOUR_MS, nowMs, revision);
        assertThat(PeriodicCompactor.sampleIntervalMs(2 * HOUR_MS)).isEqualTo(6 * MINUTE_MS);

        // 20 samples of 6 minutes: nothing before the window has passed, then the first sample's revision.
        assertThat(samples(c, 19, 6 * MINUTE_MS)).isEmpty();
        assertThat(samples(c, 1, 6 * MINUTE_MS)).containsExactly(1L);
        c.compacted();
        // Then once an hour, to the revision sampled a window and one sample ago (etcd keeps window/sample + 1 samples).
        for (long expected = 10; expected <= 30; expected += 10) {
            assertThat(samples(c, 9, 6 * MINUTE_MS)).isEmpty();
            assertThat(samples(c, 1, 6 * MINUTE_MS)).containsExactly(expected);
            c.compacted();
        }
    }

    @Test
    void aWindowUnderAnHourCompactsOncePerWindow() {
        PeriodicCompactor c = new PeriodicCompactor(5 * MINUTE_MS, nowMs, revision);
        assertThat(samples(c, 10, 30_000)).containsExactly(1L);
        c.compacted();
        for (long expected = 10; expected <= 50; expected += 10) {
            assertThat(samples(c, 10, 30_000)).containsExactly(expected);
            c.compacted();
        }
    }

    @Test
    void aFailedCompactionIsRetriedAtTheNextSampleWithTheSlidingWindow() {
        PeriodicCompactor c = new PeriodicCompactor(HOUR_MS, nowMs, revision);
        assertThat(samples(c, 10, 6 * MINUTE_MS)).containsExactly(1L);
        // Not compacted (the proposal failed): the next sample asks again, for what is oldest now.
        assertThat(samples(c, 1, 6 * MINUTE_MS)).containsExactly(1L);
        assertThat(samples(c, 1, 6 * MINUTE_MS)).containsExactly(2L);
        c.compacted();
        assertThat(samples(c, 9, 6 * MINUTE_MS)).isEmpty();
        assertThat(samples(c, 1, 6 * MINUTE_MS)).containsExactly(12L);
    }

    @Test
    void pollsBetweenSamplesChangeNothingAndLatePollsDoNotDrift() {
        PeriodicCompactor c = new PeriodicCompactor(10_000, nowMs, revision);
        for (int i = 0; i < 9; i++) {
            assertThat(c.poll(nowMs + 999, 1_000 + i)).isEqualTo(AutoCompactor.NONE);
            nowMs += 1_000;
            assertThat(c.poll(nowMs + 300, revision++)).isEqualTo(AutoCompactor.NONE);
        }
        nowMs += 1_000;
        assertThat(c.poll(nowMs, revision)).as("the 10th sample is due at 10 s, though polls came 300 ms late")
                .isEqualTo(1L);
    }

    /** Advances the clock {@code count} sample periods, the store one revision each; the compactions asked for. */
    private List<Long> samples(PeriodicCompactor c, int count, long periodMs) {
        List<Long> asked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nowMs += periodMs;
            revision++;
            long target = c.poll(nowMs, revision);
            if (target != AutoCompactor.NONE) {
                asked.add(target);
            }
        }
        return asked;
    }
}
