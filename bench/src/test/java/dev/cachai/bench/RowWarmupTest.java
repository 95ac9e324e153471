package dev.cachai.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachai.bench.load.EtcdClientKind;
import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.FakeWorkload;
import dev.cachai.bench.load.LoadSettings;
import dev.cachai.bench.load.RunResult;
import dev.cachai.bench.load.Workload;
import dev.cachai.bench.load.ZkClientKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RowWarmupTest {
    private static final LoadSettings SHORT_RUNS = new LoadSettings(Duration.ZERO, Duration.ofMillis(50), 0,
            List.of(1, 2), 8, 256, 10, Duration.ofSeconds(1), EtcdClientKind.GRPC, ZkClientKind.WIRE);
    private static final List<Endpoints> TWO_TARGETS = List.of(new Endpoints("a", List.of(), List.of("127.0.0.1:1")),
            new Endpoints("b", List.of(), List.of("127.0.0.1:2")));

    /** The targets' names in the order their runs were set up, both client levels in turn. */
    private static List<String> runOrder(Duration rowWarmup) {
        List<String> setUps = Collections.synchronizedList(new ArrayList<>());
        // Records each run's target as it is set up; every operation is answered at once.
        Workload recorded = new FakeWorkload(target -> setUps.add(target.name()),
                () -> CompletableFuture.completedFuture(null));
        BenchSession session = new BenchSession(SHORT_RUNS, Map.of("zk-getdata", () -> recorded), rowWarmup);
        List<RunResult> medians = session.runInterleaved(TWO_TARGETS, () -> {}, 3);
        assertThat(medians).as("one median per target and level").hasSize(4);
        assertThat(medians).allSatisfy(m -> assertThat(m.note()).as("the warm-up stays out of the median")
                .startsWith("median of 3 runs"));
        return List.copyOf(setUps);
    }

    @Test
    void eachRowRunsOnceUnmeasuredOnEveryTargetBeforeItsRepeats() {
        // Per level: the warm-up on a and b, then the three repeats in rotating order (ab, ba, ab).
        List<String> oneRow = List.of("a", "b", "a", "b", "b", "a", "a", "b");
        assertThat(runOrder(Duration.ofMillis(50))).isEqualTo(concat(oneRow, oneRow));
    }

    @Test
    void withoutARowWarmupOnlyTheMeasuredRunsRun() {
        List<String> oneRow = List.of("a", "b", "b", "a", "a", "b");
        assertThat(runOrder(Duration.ZERO)).isEqualTo(concat(oneRow, oneRow));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }
}
