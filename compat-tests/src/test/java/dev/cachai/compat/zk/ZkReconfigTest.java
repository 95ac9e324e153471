package dev.cachai.compat.zk;

import dev.cachai.compat.FreePorts;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;
import dev.cachai.zk.DigestAuth;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** ZooKeeper's dynamic reconfiguration through ZooKeeperAdmin, and /zookeeper/config following it. */
class ZkReconfigTest {
    private static final String SUPER_DIGEST = DigestAuth.idFor(ZkTargets.SUPER_CREDENTIALS);

    private static ZooKeeperAdmin admin(String connect) throws Exception {
        ZooKeeperAdmin admin = new ZooKeeperAdmin(connect, 10_000, e -> { });
        admin.addAuthInfo("digest", ZkTargets.SUPER_CREDENTIALS.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.getState() == ZooKeeper.States.CONNECTED);
        return admin;
    }

    @Test
    void reconfigIsRefusedAsByZooKeeperWhenDisabled() throws Exception {
        for (ZkTargets.Target target : List.of(ZkTargets.realZooKeeper(), ZkTargets.cachai())) {
            try (target; ZooKeeperAdmin admin = admin(target.connectString())) {
                assertThatThrownBy(() -> admin.reconfigure("server.9=127.0.0.1:1:2;3", null, null, -1, new Stat()))
                        .as(target.name()).isInstanceOf(KeeperException.ReconfigDisabledException.class);
            }
        }
    }

    @Test
    void joiningAndLeavingChangeTheMembershipAndTheConfigNode(@TempDir Path tmp) throws Exception {
        ServerConfig base = ServerConfig.ephemeral(tmp.resolve("a"));
        int peerA = FreePorts.next();
        ServerConfig aConfig = new ServerConfig("a", base.dataDir(), base.zkListen(), base.etcdListen(),
                new HostPort("127.0.0.1", peerA), base.zkTickTimeMs(), base.etcdVersion(), true, SUPER_DIGEST, "*",
                InitialCluster.NONE).withZkReconfigEnabled(true);
        try (CachaiServer a = CachaiServer.start(aConfig); ZooKeeperAdmin admin = admin("127.0.0.1:" + a.zkPort())) {
            // As etcd, a participant is added only while a quorum of started members remains: a must have started.
            var view = a.cluster().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> view.members().started(view.localId()));
            assertThat(new String(admin.getConfig(false, null), StandardCharsets.UTF_8)).as("alone").isEmpty();
            try (ZooKeeper plain = new ZooKeeper("127.0.0.1:" + a.zkPort(), 10_000, e -> { })) {
                await().atMost(Duration.ofSeconds(10)).until(() -> plain.getState() == ZooKeeper.States.CONNECTED);
                ZooKeeperAdmin unauthenticated = new ZooKeeperAdmin("127.0.0.1:" + a.zkPort(), 10_000, e -> { });
                try (unauthenticated) {
                    assertThatThrownBy(() -> unauthenticated.reconfigure("server.2=127.0.0.1:1:1;2", null, null, -1,
                            new Stat())).isInstanceOf(KeeperException.NoAuthException.class);
                }
            }
            assertThatThrownBy(() -> admin.reconfigure("server.2=127.0.0.1:1", null, null, -1, new Stat()))
                    .isInstanceOf(KeeperException.BadArgumentsException.class);
            assertThatThrownBy(() -> admin.reconfigure("server.2=127.0.0.1:1:1;2", null, null, 12345, new Stat()))
                    .isInstanceOf(KeeperException.BadVersionException.class);

            int peerB = FreePorts.next();
            Stat stat = new Stat();
            String joined = new String(admin.reconfigure("server.2=127.0.0.1:" + peerB + ":" + peerB
                    + ":participant;127.0.0.1:2182", null, null, -1, stat), StandardCharsets.UTF_8);
            assertThat(joined).contains("server.2=127.0.0.1:" + peerB + ":" + peerB + ":participant;127.0.0.1:2182")
                    .contains("server.1=127.0.0.1:" + peerA + ":" + peerA + ":participant;127.0.0.1:" + a.zkPort())
                    .containsPattern("\nversion=[0-9a-f]+$");
            assertThat(stat.getDataLength()).isEqualTo(joined.length());
            assertThat(new String(admin.getConfig(false, null), StandardCharsets.UTF_8)).isEqualTo(joined);

            ServerConfig bBase = ServerConfig.ephemeral(tmp.resolve("b"));
            ServerConfig bConfig = new ServerConfig("b", bBase.dataDir(), bBase.zkListen(), bBase.etcdListen(),
                    new HostPort("127.0.0.1", peerB), bBase.zkTickTimeMs(), bBase.etcdVersion(), true, SUPER_DIGEST,
                    "*", InitialCluster.parse("a=127.0.0.1:" + peerA + ",b=127.0.0.1:" + peerB, "existing"));
            try (CachaiServer b = CachaiServer.start(bConfig); ZooKeeperAdmin onB = admin("127.0.0.1:" + b.zkPort())) {
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        new String(onB.getConfig(false, null), StandardCharsets.UTF_8).contains(
                                "server.2=127.0.0.1:" + peerB + ":" + peerB + ":participant;127.0.0.1:" + b.zkPort()));
                String left = new String(admin.reconfigure(null, "2", null, -1, new Stat()), StandardCharsets.UTF_8);
                assertThat(left).as("alone again").isEmpty();
            }
        }
    }
}
