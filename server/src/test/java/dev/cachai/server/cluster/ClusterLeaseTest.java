package dev.cachai.server.cluster;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.RangeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Lease expiry is the leader's decision; renewals made on a follower must reach it. */
class ClusterLeaseTest {
    private static final long TTL_SECONDS = 1;

    private static void putWithLease(CommandGateway g, String key, long lease) throws Exception {
        g.propose(new LeaseCommand.Grant(lease, TTL_SECONDS)).get(10, TimeUnit.SECONDS);
        Put p = Put.of(utf8(key), utf8("v"));
        g.propose(new Put(p.key(), p.value(), lease, false, false, false)).get(10, TimeUnit.SECONDS);
    }

    private static boolean present(CommandGateway g, String key) throws Exception {
        return !g.engine().range(RangeRequest.key(utf8(key))).kvs().isEmpty();
    }

    @Test
    void renewalsOnAFollowerKeepALeaseAliveAndSilenceLetsTheLeaderRevokeIt(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, ClusterLimits.DEFAULTS).startAll()) {
            int leader = cluster.awaitLeader();
            CommandGateway follower = cluster.node((leader + 1) % 3).gateway();
            CommandGateway other = cluster.node((leader + 2) % 3).gateway();
            putWithLease(follower, "renewed", 101);
            putWithLease(follower, "abandoned", 102);
            long renewUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3 * TTL_SECONDS);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(follower.leases().keepAlive(101)).isTrue();
                return System.nanoTime() > renewUntil && !present(other, "abandoned");
            });
            assertThat(present(other, "renewed")).as("renewed through a follower for 3 TTLs").isTrue();
        }
    }
}
