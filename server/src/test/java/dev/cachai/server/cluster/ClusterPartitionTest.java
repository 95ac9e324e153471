package dev.cachai.server.cluster;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A leader cut off from the majority must stop answering: no write acknowledged, no read served. */
class ClusterPartitionTest {
    private static boolean present(CommandGateway g, String key) throws Exception {
        return !g.engine().range(RangeRequest.key(utf8(key))).kvs().isEmpty();
    }

    @Test
    void anIsolatedLeaderAcknowledgesNothingAndCatchesUpAfterHealing(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, ClusterLimits.DEFAULTS).startAll()) {
            int leader = cluster.awaitLeader();
            CommandGateway isolated = cluster.node(leader).gateway();
            CommandGateway majority = cluster.node((leader + 1) % 3).gateway();
            cluster.isolate(leader, true);

            CompletableFuture<Result> strandedWrite = isolated.propose(Put.of(utf8("stranded"), utf8("v")));
            CompletableFuture<Long> strandedRead = isolated.readBarrier();
            await().atMost(Duration.ofSeconds(15)).until(() -> strandedWrite.isDone() && strandedRead.isDone());
            assertThat(strandedWrite).isCompletedExceptionally();
            assertThat(strandedRead).isCompletedExceptionally();

            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                majority.propose(Put.of(utf8("majority"), utf8("v"))).get(5, TimeUnit.SECONDS);
                return true;
            });

            cluster.isolate(leader, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> present(isolated, "majority"));
            assertThat(isolated.readBarrier().get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(present(isolated, "stranded")).as("never chosen").isFalse();
            assertThat(present(majority, "stranded")).isFalse();
        }
    }
}
