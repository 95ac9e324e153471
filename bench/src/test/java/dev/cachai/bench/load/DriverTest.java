package dev.cachai.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DriverTest {
    private static final Endpoints ZK_ONLY = new Endpoints("test", List.of(), List.of("127.0.0.1:1"));

    @Test
    void anOperationLeftUnansweredFailsAfterTheOpTimeoutAndTheLoopGoesOn() {
        LoadSettings settings = new LoadSettings(Duration.ZERO, Duration.ofMillis(1000), 0, List.of(2), 8, 256, 10,
                Duration.ofMillis(200), EtcdClientKind.GRPC, ZkClientKind.WIRE);
        AtomicInteger issued = new AtomicInteger();
        // Every operation is left unanswered: only the driver's op timeout ends each one.
        FakeWorkload workload = new FakeWorkload(target -> { }, () -> {
            issued.incrementAndGet();
            return new CompletableFuture<>();
        });

        RunResult result = new Driver(settings).run(ZK_ONLY, () -> workload, 2);

        assertThat(result.note()).startsWith("first error: TimeoutException").doesNotContain("never finished");
        assertThat(result.errors()).as("each loop timed out several times in a second").isGreaterThanOrEqualTo(4);
        assertThat(issued.get()).isGreaterThan(2);
        assertThat(result.ops()).isZero();
    }
}
