package dev.cachai.compat.etcd;

import dev.cachai.compat.FreePorts;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcdctl's member commands grow a single Cachai node: {@code member add} prints the settings
 * the new member starts with, and the new member started with them joins.
 */
class EtcdctlMemberTest {
    /** etcdctl pads ids to 16 places: ours are 31-bit, so they come with leading spaces. */
    private static final Pattern ADDED = Pattern.compile("Member +([0-9a-f]+) added to cluster +([0-9a-f]+)");
    private static final Pattern INITIAL_CLUSTER = Pattern.compile("ETCD_INITIAL_CLUSTER=\"([^\"]+)\"");

    private static ServerConfig node(Path dir, String name, int peerPort, InitialCluster cluster) {
        ServerConfig d = ServerConfig.ephemeral(dir);
        return new ServerConfig(name, dir, d.zkListen(), d.etcdListen(), new HostPort("127.0.0.1", peerPort),
                d.zkTickTimeMs(), d.etcdVersion(), d.zkExtendedTypes(), d.zkSuperDigest(), d.zk4lwWhitelist(), cluster);
    }

    @Test
    void memberAddStartPromoteListAndRemove(@TempDir Path tmp) throws Exception {
        int peerA = FreePorts.next();
        try (CachaiServer a = CachaiServer.start(node(tmp.resolve("a"), "default", peerA, InitialCluster.NONE))) {
            Etcdctl ctl = new Etcdctl("http://127.0.0.1:" + a.etcdPort());
            await().atMost(Duration.ofSeconds(20)).until(() -> ctl.run("endpoint", "health").contains("is healthy"));
            await().atMost(Duration.ofSeconds(20)).until(() -> ctl.run("member", "list")
                    .matches("[0-9a-f]+, started, default, http://127\\.0\\.0\\.1:" + peerA + ", http://127\\.0\\.0\\.1:"
                            + a.etcdPort() + ", false"));
            int peerB = FreePorts.next();
            String added = ctl.run("member", "add", "b", "--learner", "--peer-urls=http://127.0.0.1:" + peerB);
            Matcher id = ADDED.matcher(added);
            assertThat(id.find()).as(added).isTrue();
            Matcher initial = INITIAL_CLUSTER.matcher(added);
            assertThat(initial.find()).as(added).isTrue();
            // etcdctl lists the members in the order the answer gives them: by member id, as etcd sorts them.
            assertThat(initial.group(1).split(",")).containsExactlyInAnyOrder(
                    "default=http://127.0.0.1:" + peerA, "b=http://127.0.0.1:" + peerB);
            assertThat(added).contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\"");
            assertThat(ctl.run("member", "list")).contains(id.group(1) + ", unstarted, , http://127.0.0.1:" + peerB
                    + ", , true");

            ServerConfig bConfig = node(tmp.resolve("b"), "b", peerB, InitialCluster.parse(initial.group(1), "existing"));
            try (CachaiServer b = CachaiServer.start(bConfig)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> ctl.run("member", "promote", id.group(1))
                        .matches("Member +" + id.group(1) + " promoted in cluster +" + id.group(2)));
                Etcdctl onB = new Etcdctl("http://127.0.0.1:" + b.etcdPort());
                await().atMost(Duration.ofSeconds(20)).until(() -> onB.run("member", "list").contains(
                        id.group(1) + ", started, b, http://127.0.0.1:" + peerB + ", http://127.0.0.1:" + b.etcdPort()
                                + ", false"));
                assertThat(onB.run("put", "through-b", "v")).isEqualTo("OK");
                assertThat(ctl.run("get", "through-b", "--print-value-only")).isEqualTo("v");
                assertThat(ctl.run("member", "remove", id.group(1)))
                        .matches("Member +" + id.group(1) + " removed from cluster +" + id.group(2));
            }
            assertThat(ctl.run("member", "list")).doesNotContain(id.group(1));
        }
    }
}
