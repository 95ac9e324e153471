package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.cachai.migration.ZkPopulator.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real ZooKeeper 3.9.5 written offline into a new data directory that a single Cachai node then starts from. */
class BootstrapZkTest {
    static final String AUTH = ZkMigrationTest.AUTH;
    /** The name ServerConfig.ephemeral gives the node the tests start. */
    static final String NODE_NAME = "test";

    @TempDir
    Path dir;
    Servers.Running zkServer;
    ZooKeeper source;
    ZooKeeper ephemeralOwner;

    @BeforeEach
    void start() throws Exception {
        zkServer = Servers.zooKeeper(dir.resolve("zk"));
        source = ZkMigrationTest.connect(zkServer.hostPort());
        source.addAuthInfo("digest", bytes("alice:secret"));
        ZkPopulator.tree(source, "/app", 20, 50);
        ZkPopulator.shapes(source, "/app");
        source.create("/top", bytes("root level"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ephemeralOwner = ZkMigrationTest.connect(zkServer.hostPort());
        ephemeralOwner.create("/app/live", bytes("e"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    }

    @AfterEach
    void stop() throws Exception {
        ephemeralOwner.close();
        source.close();
        zkServer.close();
    }

    String sourceUri() {
        return "zk://" + zkServer.hostPort();
    }

    @Test
    void liveZooKeeperIntoADataDirThatASingleNodeStartsFrom() throws Exception {
        Path data = dir.resolve("bootstrapped");
        Cli copy = Cli.run("migrate", sourceUri(), "--target", "datadir:" + data, "--name", NODE_NAME, "--zk-auth", AUTH,
                "--no-progress");
        assertThat(copy.exitCode()).isZero();
        assertThat(copy.out()).contains("ephemeral, skipped: /app/live");
        assertThat(copy.err()).contains("into data dir " + data).contains("--data-dir " + data + " --name test");

        try (CachaiServer cachai = CachaiServer.start(ServerConfig.ephemeral(data));
             ZooKeeper target = ZkMigrationTest.connect("127.0.0.1:" + cachai.zkPort())) {
            String targetUri = "zk://127.0.0.1:" + cachai.zkPort();
            assertThat(Cli.run("verify", sourceUri(), "--target", targetUri, "--zk-auth", AUTH).exitCode()).isZero();
            target.addAuthInfo("digest", bytes("alice:secret"));
            assertThat(target.getACL("/app/secure", new Stat())).isEqualTo(source.getACL("/app/secure", new Stat()));
            assertThat(target.getACL("/app/readonly", new Stat())).isEqualTo(ZooDefs.Ids.READ_ACL_UNSAFE);
            assertThat(target.getData("/app/blob", false, null)).hasSize(200_000);
            assertThat(target.getData("/top", false, null)).isEqualTo(bytes("root level"));
            // Nodes keep their source's modification time (so a TTL node expires when it would have there).
            assertThat(target.exists("/app/p3/c7", false).getMtime()).isEqualTo(source.exists("/app/p3/c7", false).getMtime());
            ZkMigrationTest.assertSameNextSequentialName(source, target, "/app/queue");

            try (Client etcd = Client.builder().endpoints("http://127.0.0.1:" + cachai.etcdPort()).build()) {
                var kvs = etcd.getKVClient().get(ByteSequence.from("/app/p3/c7", StandardCharsets.UTF_8)).get().getKvs();
                assertThat(kvs.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("value 3/7");
            }
        }
    }

    @Test
    void zooKeeperDataDirIntoADataDirKeepsContainerAndTtlKinds() throws Exception {
        Path data = dir.resolve("from-zkdata");
        Cli copy = Cli.run("migrate", "zkdata:" + dir.resolve("zk"), "--target", "datadir:" + data, "--name", NODE_NAME,
                "--no-progress");
        assertThat(copy.exitCode()).isZero();
        try (CachaiServer cachai = CachaiServer.start(ServerConfig.ephemeral(data));
             ZooKeeper target = ZkMigrationTest.connect("127.0.0.1:" + cachai.zkPort())) {
            String targetUri = "zk://127.0.0.1:" + cachai.zkPort();
            assertThat(Cli.run("verify", "zkdata:" + dir.resolve("zk"), "--target", targetUri, "--zk-auth", AUTH)
                    .exitCode()).isZero();
            assertThat(Cli.run("verify", sourceUri(), "--target", targetUri, "--zk-auth", AUTH).exitCode()).isZero();
            // Kinds the client API does not show (a live copy makes them persistent): the TTL node is one the
            // engine reaps once its TTL has passed, and the container goes once its last child does.
            long afterTtlMs = System.currentTimeMillis() + 700_000;
            assertThat(cachai.gateway().engine().zkReapable(afterTtlMs, 1_000)).contains("/app/ttl");
            target.delete("/app/container/member", -1);
            await().atMost(Duration.ofSeconds(20)).until(() -> target.exists("/app/container", false) == null);
        }
    }

    @Test
    void subtreeIntoADataDirGetsItsAncestors() throws Exception {
        Path data = dir.resolve("subtree");
        assertThat(Cli.run("migrate", sourceUri() + "/app/p2", "--target", "datadir:" + data, "--name", NODE_NAME,
                "--no-progress").exitCode()).isZero();
        try (CachaiServer cachai = CachaiServer.start(ServerConfig.ephemeral(data));
             ZooKeeper target = ZkMigrationTest.connect("127.0.0.1:" + cachai.zkPort())) {
            assertThat(target.getData("/app/p2/c9", false, null)).isEqualTo(bytes("value 2/9"));
            assertThat(target.getChildren("/app", false)).containsExactly("p2");
            assertThat(Cli.run("verify", sourceUri() + "/app/p2", "--target", "zk://127.0.0.1:" + cachai.zkPort())
                    .exitCode()).isZero();
        }
    }

    @Test
    void aTargetThatIsNotNewAndEmptyIsRefusedAndAFailedRunLeavesNothing() throws Exception {
        Path data = dir.resolve("once");
        assertThat(Cli.run("migrate", sourceUri(), "--target", "datadir:" + data, "--name", NODE_NAME, "--zk-auth", AUTH,
                "--no-progress").exitCode()).isZero();
        long snapshotBytes = Files.size(data.resolve("snap").resolve(String.format("%020d.snap", 1)));
        Cli again = Cli.run("migrate", sourceUri(), "--target", "datadir:" + data, "--name", NODE_NAME, "--no-progress");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("target data dir " + data + " is not empty (LOCK, paxos, snap)")
                .doesNotContain("\tat ");
        assertThat(Files.size(data.resolve("snap").resolve(String.format("%020d.snap", 1)))).isEqualTo(snapshotBytes);

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Cli underFile = Cli.run("migrate", sourceUri(), "--target", "datadir:" + file.resolve("data"), "--no-progress");
        assertThat(underFile.exitCode()).isEqualTo(2);
        assertThat(underFile.err()).contains("cannot create data dir " + file.resolve("data")).doesNotContain("\tat ");
        Cli onFile = Cli.run("migrate", sourceUri(), "--target", "datadir:" + file, "--no-progress");
        assertThat(onFile.err()).contains("exists and is not a directory");

        // The source is unreachable: the directory the run created is gone again, so a re-run starts clean.
        Path fresh = dir.resolve("fresh");
        Cli down = Cli.run("migrate", "zk://127.0.0.1:" + Servers.freePort(), "--target", "datadir:" + fresh,
                "--connect-timeout-seconds", "1", "--no-progress");
        assertThat(down.exitCode()).isEqualTo(2);
        assertThat(fresh).doesNotExist();
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(Cli.run("migrate", "zk://127.0.0.1:" + Servers.freePort(), "--target", "datadir:" + empty,
                "--connect-timeout-seconds", "1", "--no-progress").exitCode()).isEqualTo(2);
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void dataDirOptionsAreCheckedUpFront() {
        Cli verify = Cli.run("verify", sourceUri(), "--target", "datadir:" + dir.resolve("x"));
        assertThat(verify.exitCode()).isEqualTo(2);
        assertThat(verify.err()).contains("verify reads a running Cachai");
        Cli nameWithoutDataDir = Cli.run("migrate", sourceUri(), "--target", "zk://127.0.0.1:1", "--name", "a");
        assertThat(nameWithoutDataDir.err()).contains("--name and --initial-cluster are for a datadir: target only");
        Cli notAMember = Cli.run("migrate", sourceUri(), "--target", "datadir:" + dir.resolve("y"), "--name", "z",
                "--initial-cluster", "a=127.0.0.1:2380,b=127.0.0.1:2381");
        assertThat(notAMember.exitCode()).isEqualTo(2);
        assertThat(notAMember.err()).contains("initial-cluster does not name this node ('z')");
        assertThat(dir.resolve("y")).doesNotExist();
        Cli asSource = Cli.run("migrate", "datadir:" + dir, "--dry-run");
        assertThat(asSource.err()).contains("datadir: is a target only");
    }
}
