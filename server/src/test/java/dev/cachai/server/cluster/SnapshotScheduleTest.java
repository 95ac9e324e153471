package dev.cachai.server.cluster;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotScheduleTest {
    private static final long MIN = 100;

    @Test
    void aKeyspaceGrowingByCreatesAloneIsStillSnapshotted() {
        SnapshotSchedule schedule = new SnapshotSchedule(MIN, 0, 0, new SplittableRandom(1));
        long versions = 0;
        int snapshots = 0;
        for (long index = 1; index <= 100_000; index++) {
            versions += 2; // every create adds a live key and a revision
            if (schedule.due(index)) {
                schedule.taken(index, versions);
                snapshots++;
            }
        }
        // An interval is at most 1.5 times the versions at the snapshot before, two per applied
        // entry, so the index at most quadruples from one snapshot to the next: 150, 600, ... 38,400.
        assertThat(snapshots).isGreaterThanOrEqualTo(5);
        assertThat(schedule.lastIndex()).isGreaterThanOrEqualTo(100_000 / 4);
    }

    @Test
    void theIntervalIsTheSizeAtTheLastSnapshotPlusLessThanHalfOfIt() {
        SnapshotSchedule schedule = new SnapshotSchedule(MIN, 0, 0, new SplittableRandom(2));
        for (long index = 1_000; index < 1_000_000; index += 1_000) {
            schedule.taken(index, 40_000);
            assertThat(schedule.intervalEntries()).isBetween(40_000L, 59_999L);
            assertThat(schedule.due(index + 39_999)).isFalse();
            assertThat(schedule.due(index + 60_000)).isTrue();
        }
    }

    @Test
    void aSmallStateWaitsForTheMinimum() {
        SnapshotSchedule schedule = new SnapshotSchedule(MIN, 500, 3, new SplittableRandom(3));
        assertThat(schedule.lastIndex()).isEqualTo(500);
        assertThat(schedule.due(500 + MIN - 1)).isFalse();
        assertThat(schedule.due(500 + MIN * 3 / 2)).isTrue();
    }

    @Test
    void membersDrawDifferentIntervals() {
        Set<Long> intervals = new HashSet<>();
        for (int member = 0; member < 5; member++) {
            intervals.add(new SnapshotSchedule(100_000, 0, 0, new SplittableRandom(member)).intervalEntries());
        }
        assertThat(intervals).hasSizeGreaterThan(1);
    }

    @Test
    void theMinimumMustBePositive() {
        assertThatThrownBy(() -> new SnapshotSchedule(0, 0, 0, new SplittableRandom(4)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
