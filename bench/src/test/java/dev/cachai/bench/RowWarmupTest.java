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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RowWarmupTest {
    private static final LoadSettings SHORT_RUNS = new LoadSettings(Duration.ZERO, Duration.ofMillis(50), 0,
            List.of(1, 2), 8, 256, 10, Duration.ofSeconds(1), EtcdClientKind.GRPC, ZkClientKind.WIRE);
    private static final List<Endpoints> TWO_TARGETS = List.of(new Endpoints("a", List.of(), List.of("127.0.0.1:1")),
            new Endpoints("b", List.of(), List.of("127.0.0.1:2")));

    private static Map<String, Integer> runsPerTarget(Duration rowWarmup) {
        Map<String, AtomicInteger> setUps = new ConcurrentHashMap<>();
        // Counts the runs set up on each target; every operation is answered at once.
        Workload counted = new FakeWorkload(target -> setUps.computeIfAbsent(target.name(), n -> new AtomicInteger())
                .incrementAndGet(), () -> CompletableFuture.completedFuture(null));
        BenchSession session = new BenchSession(SHORT_RUNS, Map.of("zk-getdata", () -> counted), rowWarmup);
        List<RunResult> medians = session.runInterleaved(TWO_TARGETS, () -> {}, 3);
        assertThat(medians).as("one median per target and level").hasSize(4);
        return Map.of("a", setUps.get("a").get(), "b", setUps.get("b").get());
    }

    @Test
    void eachRowRunsOnceUnmeasuredOnEveryTargetBeforeItsRepeats() {
        assertThat(runsPerTarget(Duration.ofMillis(50))).isEqualTo(Map.of("a", 8, "b", 8));
    }

    @Test
    void withoutARowWarmupOnlyTheMeasuredRunsRun() {
        assertThat(runsPerTarget(Duration.ZERO)).isEqualTo(Map.of("a", 6, "b", 6));
    }
}
