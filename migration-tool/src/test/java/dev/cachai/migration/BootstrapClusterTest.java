package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.cachai.migration.EtcdMigrationTest.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One bootstrapped data directory, copied to the three members of a new in-process cluster. */
class BootstrapClusterTest {
    static final int MEMBERS = 3;
    static final int KEYS = 1_000;

    @TempDir
    Path dir;

    @Test
    void threeMembersStartedFromCopiesServeTheDataAndTakeNewWrites() throws Exception {
        List<ServerConfig> configs = memberConfigs();
        String clusterOption = "n0=127.0.0.1:" + configs.get(0).peerListen().port() + ",n1=127.0.0.1:"
                + configs.get(1).peerListen().port() + ",n2=127.0.0.1:" + configs.get(2).peerListen().port();
        Path bootstrapped = dir.resolve("bootstrapped");
        try (Servers.Running etcd = Servers.etcd(dir);
             Client source = Client.builder().endpoints("http://" + etcd.hostPort()).build()) {
            EtcdMigrationTest.fill(source.getKVClient(), "/svc", KEYS);
            long lease = source.getLeaseClient().grant(600).get().getID();
            source.getKVClient().put(bs("/svc/leased"), bs("held"), PutOption.builder().withLeaseId(lease).build()).get();
            String src = "etcd://" + etcd.hostPort();
            Cli copy = Cli.run("migrate", src, "--target", "datadir:" + bootstrapped, "--initial-cluster", clusterOption,
                    "--no-progress");
            assertThat(copy.exitCode()).isZero();
            assertThat(copy.err()).contains("start each member on a copy of it").contains("n0, n1, n2");
            for (ServerConfig c : configs) {
                copyTree(bootstrapped, c.dataDir());
            }
            List<CachaiServer> members = new ArrayList<>();
            try {
                for (ServerConfig c : configs) {
                    members.add(CachaiServer.start(c));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> members.stream().allMatch(CachaiServer::healthy));
                for (CachaiServer m : members) {
                    assertThat(Cli.run("verify", src, "--target", "etcd://127.0.0.1:" + m.etcdPort()).exitCode()).isZero();
                    try (ZooKeeper zk = ZkMigrationTest.connect("127.0.0.1:" + m.zkPort())) {
                        assertThat(text(zk.getData("/svc/d3/k3", false, null))).isEqualTo("value 3");
                        assertThat(zk.getChildren("/svc/d3", false)).hasSize(KEYS / 20);
                    }
                    try (Client etcdClient = client(m)) {
                        assertThat(etcdClient.getKVClient().get(bs("/svc/leased")).get().getKvs().get(0).getLease())
                                .isEqualTo(lease);
                    }
                }
                writeThroughBothProtocols(members);
            } finally {
                for (CachaiServer m : members) {
                    m.close();
                }
            }
        }
    }

    /** A ZooKeeper create on one member and an etcd put on another reach every member. */
    private static void writeThroughBothProtocols(List<CachaiServer> members) throws Exception {
        try (ZooKeeper zk = ZkMigrationTest.connect("127.0.0.1:" + members.get(1).zkPort());
             Client etcd = client(members.get(2))) {
            zk.create("/svc/from-zk", "zk write".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            etcd.getKVClient().put(bs("/svc/from-etcd"), bs("etcd write")).get();
        }
        GetOption countAll = GetOption.builder().isPrefix(true).withCountOnly(true).build();
        for (CachaiServer m : members) {
            try (Client etcd = client(m)) {
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        etcd.getKVClient().get(bs("/svc/"), countAll).get().getCount() == KEYS + 3);
                assertThat(etcd.getKVClient().get(bs("/svc/from-zk")).get().getKvs().get(0).getValue()
                        .toString(StandardCharsets.UTF_8)).isEqualTo("zk write");
            }
        }
    }

    private List<ServerConfig> memberConfigs() {
        StringBuilder list = new StringBuilder();
        List<Integer> peerPorts = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            peerPorts.add(Servers.freePort());
            list.append(i == 0 ? "" : ",").append("n").append(i).append("=127.0.0.1:").append(peerPorts.get(i));
        }
        InitialCluster cluster = InitialCluster.parse(list.toString(), "new");
        List<ServerConfig> configs = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ServerConfig base = ServerConfig.ephemeral(dir.resolve("member" + i));
            configs.add(new ServerConfig("n" + i, base.dataDir(), base.zkListen(), base.etcdListen(),
                    new HostPort("127.0.0.1", peerPorts.get(i)), base.zkTickTimeMs(), base.etcdVersion(),
                    base.zkExtendedTypes(), base.zkSuperDigest(), base.zk4lwWhitelist(), cluster));
        }
        return configs;
    }

    private static Client client(CachaiServer m) {
        return Client.builder().endpoints("http://127.0.0.1:" + m.etcdPort()).build();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** What an operator does with cp -r: every member gets the same files. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
