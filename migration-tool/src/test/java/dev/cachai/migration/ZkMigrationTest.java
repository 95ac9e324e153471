package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static dev.cachai.migration.ZkPopulator.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** A real ZooKeeper 3.9.5 copied into an in-process Cachai through the command's own entry point. */
class ZkMigrationTest {
    static final String AUTH = "digest:alice:secret";
    /** Default size: 40 × 50 leaves, about 2,000 nodes. */
    static final int PARENTS = 40;
    static final int PER_PARENT = 50;

    @TempDir
    Path dir;
    Servers.Running zkServer;
    CachaiServer cachai;
    ZooKeeper source;
    ZooKeeper ephemeralOwner;

    @BeforeEach
    void start() throws Exception {
        zkServer = Servers.zooKeeper(dir.resolve("zk"));
        cachai = Servers.cachai(dir.resolve("cachai"));
        source = connect(zkServer.hostPort());
        source.addAuthInfo("digest", bytes("alice:secret"));
    }

    @AfterEach
    void stop() throws Exception {
        source.close();
        if (ephemeralOwner != null) {
            ephemeralOwner.close();
        }
        cachai.close();
        zkServer.close();
    }

    String sourceUri() {
        return "zk://" + zkServer.hostPort();
    }

    String targetUri() {
        return "zk://127.0.0.1:" + cachai.zkPort();
    }

    @Test
    void copiesTreeAclsKindsAndCountersThenVerifiesClean() throws Exception {
        ZkPopulator.tree(source, "/app", PARENTS, PER_PARENT);
        ZkPopulator.shapes(source, "/app");
        ephemeralOwner = connect(zkServer.hostPort());
        ephemeralOwner.create("/app/live", bytes("e"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        Cli copy = Cli.run("migrate", sourceUri(), "--target", targetUri(), "--zk-auth", AUTH, "--no-progress");
        assertThat(copy.exitCode()).isZero();
        assertThat(copy.out()).contains("ephemeral, skipped: /app/live");
        assertThat(Cli.run("verify", sourceUri(), "--target", targetUri(), "--zk-auth", AUTH).exitCode()).isZero();

        try (ZooKeeper target = connect("127.0.0.1:" + cachai.zkPort())) {
            target.addAuthInfo("digest", bytes("alice:secret"));
            assertThat(target.getACL("/app/secure", new Stat())).isEqualTo(source.getACL("/app/secure", new Stat()));
            assertThat(target.getACL("/app/readonly", new Stat())).isEqualTo(ZooDefs.Ids.READ_ACL_UNSAFE);
            assertThat(target.exists("/app/live", false)).isNull();
            assertThat(target.getData("/app/blob", false, null)).hasSize(200_000);
            assertSameNextSequentialName(source, target, "/app/queue");
        }
        try (Client etcd = Client.builder().endpoints("http://127.0.0.1:" + cachai.etcdPort()).build()) {
            var kvs = etcd.getKVClient().get(ByteSequence.from("/app/p3/c7", StandardCharsets.UTF_8)).get().getKvs();
            assertThat(kvs).hasSize(1);
            assertThat(kvs.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("value 3/7");
        }
    }

    @Test
    void rerunSkipsIdenticalAndRepairsDifferences() throws Exception {
        ZkPopulator.tree(source, "/app", 5, 20);
        ZkPopulator.shapes(source, "/app");
        assertThat(Cli.run("migrate", sourceUri(), "--target", targetUri(), "--zk-auth", AUTH, "--no-progress").exitCode()).isZero();
        try (ZooKeeper target = connect("127.0.0.1:" + cachai.zkPort())) {
            target.setData("/app/p1/c1", bytes("changed in target"), -1);
            target.delete("/app/p2/c2", -1);
            Cli verify = Cli.run("verify", sourceUri(), "--target", targetUri(), "--zk-auth", AUTH);
            assertThat(verify.exitCode()).isEqualTo(1);
            assertThat(verify.out()).contains("differs: /app/p1/c1").contains("missing in target: /app/p2/c2");

            Cli rerun = Cli.run("migrate", sourceUri(), "--target", targetUri(), "--zk-auth", AUTH, "--no-progress");
            assertThat(rerun.exitCode()).isZero();
            assertThat(rerun.out()).contains("1 created").contains("1 updated").contains("already identical");
            assertThat(target.getData("/app/p1/c1", false, null)).isEqualTo(bytes("value 1/1"));
        }
        assertThat(Cli.run("verify", sourceUri(), "--target", targetUri(), "--zk-auth", AUTH).exitCode()).isZero();
    }

    @Test
    void subtreeDryRunEphemeralsAsPersistentAndHiddenNodes() throws Exception {
        ZkPopulator.tree(source, "/app", 3, 3);
        source.create("/app/hidden", bytes("bob's"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        ephemeralOwner = connect(zkServer.hostPort());
        ephemeralOwner.create("/app/live", bytes("e"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

        Cli dry = Cli.run("migrate", sourceUri() + "/app", "--dry-run", "--no-progress");
        assertThat(dry.err()).contains("nothing was written");
        try (ZooKeeper target = connect("127.0.0.1:" + cachai.zkPort())) {
            assertThat(target.exists("/app", false)).isNull();
        }
        // Without alice's credentials her node is hidden: reported, the rest copied, exit code 1.
        Cli copy = Cli.run("migrate", sourceUri() + "/app", "--target", targetUri(), "--ephemerals-as-persistent", "--no-progress");
        assertThat(copy.exitCode()).isEqualTo(1);
        assertThat(copy.out()).contains("hidden: /app/hidden");
        try (ZooKeeper target = connect("127.0.0.1:" + cachai.zkPort())) {
            assertThat(target.exists("/app/live", false).getEphemeralOwner()).isZero();
            assertThat(target.getData("/app/p2/c2", false, null)).isEqualTo(bytes("value 2/2"));
        }
    }

    @Test
    void offlineDataDirCopiesLikeTheLiveServer() throws Exception {
        ZkPopulator.tree(source, "/app", 4, 10);
        ZkPopulator.shapes(source, "/app");
        Cli copy = Cli.run("migrate", "zkdata:" + dir.resolve("zk"), "--target", targetUri(), "--zk-auth", AUTH, "--no-progress");
        assertThat(copy.exitCode()).isZero();
        // The live client API shows containers and TTL nodes with owner 0; the data dir keeps their kinds.
        try (ZooKeeper target = connect("127.0.0.1:" + cachai.zkPort())) {
            target.addAuthInfo("digest", bytes("alice:secret"));
            assertThat(Cli.run("verify", "zkdata:" + dir.resolve("zk"), "--target", targetUri(), "--zk-auth", AUTH)
                    .exitCode()).isZero();
            assertThat(target.getData("/app/queue/item-0000000004", false, null)).isEqualTo(bytes("job 4"));
        }
    }

    @Test
    void unreachableServersAreOneLineErrors() {
        int closed = Servers.freePort();
        Cli r = Cli.run("migrate", "zk://127.0.0.1:" + closed, "--target", targetUri(), "--connect-timeout-seconds", "1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot reach source ZooKeeper at 127.0.0.1:" + closed).doesNotContain("\tat ");
        Cli bad = Cli.run("migrate", sourceUri(), "--target", "etcd://127.0.0.1:1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("needs a zk:// or datadir: target");
    }

    /**
     * The target's counter is raised to the source's cversion (5 creates + 2 deletes): like ZooKeeper, Cachai names
     * the next child after the creates only, so both sides give it the same name.
     */
    static void assertSameNextSequentialName(ZooKeeper source, ZooKeeper target, String parent) throws Exception {
        assertThat(target.exists(parent, false).getCversion()).isEqualTo(source.exists(parent, false).getCversion());
        String next = source.create(parent + "/item-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        assertThat(target.create(parent + "/item-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo(next);
    }

    static ZooKeeper connect(String hostPort) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(hostPort, 30_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        if (!up.await(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("no connection to " + hostPort);
        }
        return zk;
    }
}
