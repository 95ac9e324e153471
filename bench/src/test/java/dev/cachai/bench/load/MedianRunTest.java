package dev.cachai.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MedianRunTest {
    private static RunResult run(double opsPerSecond, double p99Micros) {
        return new RunResult("t", "etcd-put", 1, (long) opsPerSecond * 5, 0, 5, opsPerSecond, 100, p99Micros,
                p99Micros * 2, p99Micros * 3, "");
    }

    @Test
    void theMedianThroughputRunStandsWithItsOwnLatencies() {
        RunResult median = MedianRun.of(List.of(run(3000, 900), run(1000, 5000), run(2000, 700)));
        assertThat(median.opsPerSecond()).isEqualTo(2000);
        assertThat(median.p99Micros()).isEqualTo(700);
        assertThat(median.note()).isEqualTo("median of 3 runs (ops/s 3,000 / 1,000 / 2,000)");
    }

    @Test
    void anEvenCountTakesTheSlowerMiddleRun() {
        assertThat(MedianRun.of(List.of(run(4000, 1), run(1000, 1), run(3000, 1), run(2000, 1))).opsPerSecond())
                .isEqualTo(2000);
    }

    @Test
    void runsThatDidNotRunAreListedButNotChosen() {
        RunResult skipped = RunResult.skipped("t", "etcd-put", 1, "failed: connect");
        RunResult median = MedianRun.of(List.of(skipped, run(1000, 1), run(5000, 1)));
        assertThat(median.opsPerSecond()).isEqualTo(1000);
        assertThat(median.note()).isEqualTo("median of 3 runs (ops/s did not run / 1,000 / 5,000)");
        assertThat(MedianRun.of(List.of(skipped, skipped))).isSameAs(skipped);
    }

    @Test
    void oneRunIsItselfAndNoRunIsAnError() {
        RunResult only = run(1234, 1);
        assertThat(MedianRun.of(List.of(only))).isSameAs(only);
        assertThatThrownBy(() -> MedianRun.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
