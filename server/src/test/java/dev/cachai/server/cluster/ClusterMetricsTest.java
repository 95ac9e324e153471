package dev.cachai.server.cluster;

import dev.cachai.engine.command.Put;
import dev.cachai.metrics.Scrape;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.Probes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What monitoring sees of a 3-node cluster: leader gauges, leader changes, peer traffic, health when cut off. */
class ClusterMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";

    private static double value(CachaiServer node, String name, String... labels) {
        return Probes.value(node, name, labels);
    }

    @Test
    void membersReportTheLeaderCountLeaderChangesAndPeerTraffic(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, ClusterLimits.DEFAULTS).startAll()) {
            int leader = cluster.awaitLeader();
            cluster.node(leader).gateway().propose(Put.of(utf8("k"), utf8("v"))).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                CachaiServer node = cluster.node(i);
                await().atMost(WAIT).until(() -> value(node, "etcd_mvcc_put_total") == 1);
                Scrape s = Probes.scrape(node);
                assertThat(s.value("etcd_server_has_leader")).contains(1.0);
                assertThat(s.value("etcd_server_is_leader")).contains(i == leader ? 1.0 : 0.0);
                assertThat(s.value("etcd_server_leader_changes_seen_total").orElseThrow()).isGreaterThanOrEqualTo(1);
                assertThat(s.value("etcd_server_proposals_committed_total").orElseThrow())
                        .isGreaterThanOrEqualTo(s.value("etcd_server_proposals_applied_total").orElseThrow());
                assertThat(s.value("etcd_disk_wal_fsync_duration_seconds_count").orElseThrow()).isPositive();
                for (int j = 0; j < 3; j++) {
                    if (j != i) {
                        String peer = Long.toHexString(cluster.view(j).localId());
                        assertThat(s.value("etcd_network_peer_sent_bytes_total", "To", peer).orElseThrow()).isPositive();
                        assertThat(s.value("etcd_network_peer_received_bytes_total", "From", peer).orElseThrow())
                                .isPositive();
                    }
                }
                String role = i == leader ? "leader" : "follower";
                assertThat(Probes.fourLetter(node, "mntr")).contains("zk_server_state\t" + role + "\n"
                        + "zk_peer_state\t" + (i == leader ? "leading" : "following") + " - broadcast\n")
                        .contains("zk_quorum_size\t3\n");
                assertThat(Probes.fourLetter(node, "srvr")).contains("Mode: " + role + "\n");
                if (i != leader) {
                    assertThat(Probes.fourLetter(node, "mntr")).as("only the leader reports learners")
                            .doesNotContain("zk_learners").doesNotContain("zk_leader_uptime");
                }
            }
            // The leader hears both followers, and both hold what it committed (published every tick).
            await().atMost(WAIT).until(() -> Probes.fourLetter(cluster.node(leader), "mntr")
                    .contains("zk_learners\t2\nzk_synced_followers\t2\nzk_synced_observers\t0\nzk_leader_uptime\t"));

            int survivor = (leader + 1) % 3;
            double changesBefore = value(cluster.node(survivor), "etcd_server_leader_changes_seen_total");
            cluster.stop(leader);
            int newLeader = cluster.awaitLeader();
            await().atMost(WAIT).until(() ->
                    value(cluster.node(survivor), "etcd_server_leader_changes_seen_total") > changesBefore);
            assertThat(value(cluster.node(newLeader), "etcd_server_is_leader")).isEqualTo(1.0);
            assertThat(Probes.fourLetter(cluster.node(newLeader), "mntr")).contains("zk_server_state\tleader\n");
        }
    }

    @Test
    void aMemberCutOffFromTheQuorumHasNoLeaderAndIsNotReadyUntilHealed(@TempDir Path tmp) {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, ClusterLimits.DEFAULTS).startAll()) {
            int leader = cluster.awaitLeader();
            int cut = (leader + 1) % 3;
            CachaiServer node = cluster.node(cut);
            cluster.isolate(cut, true);

            await().atMost(WAIT).until(() -> value(node, "etcd_server_has_leader") == 0);
            await().atMost(WAIT).until(() -> Probes.fourLetter(cluster.node(leader), "mntr")
                    .contains("zk_learners\t1\nzk_synced_followers\t1\n"));
            HttpResponse<String> health = Probes.get(node, "/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}\n");
            assertThat(Probes.get(node, "/readyz").statusCode()).isEqualTo(503);
            assertThat(Probes.get(node, "/livez").statusCode()).as("the process itself is fine").isEqualTo(200);
            assertThat(Probes.fourLetter(node, "ruok")).isEqualTo("imok");
            assertThat(Probes.fourLetter(node, "isro")).isEqualTo("null");
            assertThat(Probes.fourLetter(node, "srvr")).isEqualTo(NOT_SERVING);

            cluster.isolate(cut, false);
            await().atMost(WAIT).until(() -> value(node, "etcd_server_has_leader") == 1);
            await().atMost(WAIT).until(() -> Probes.get(node, "/health").statusCode() == 200);
            assertThat(Probes.get(node, "/readyz").body()).isEqualTo("ok\n");
            assertThat(Probes.fourLetter(node, "isro")).isEqualTo("rw");
            assertThat(Probes.fourLetter(node, "srvr")).containsPattern("Mode: (leader|follower)\n");
        }
    }
}
