package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.Client;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The big copies, off by default: {@code ./mvnw -pl migration-tool verify -Dtest=ThroughputTest -Dmigration.bigNodes=100000}.
 * The sources and Cachai run in this JVM, the tool in its own process. Cachai is warmed up first by copying a small
 * tree, as a running server would be. Prints RATE lines: the read alone (a dry run), the copy, verify, and the
 * offline bootstrap into a new data directory (which a Cachai then starts from and is verified against).
 */
@EnabledIfSystemProperty(named = "migration.bigNodes", matches = "[1-9][0-9]*")
class ThroughputTest {
    static final int LEAVES_PER_PARENT = 99;
    static final int WARM_UP_KEYS = 10_000;

    @TempDir
    Path dir;
    int bootstraps;

    static int nodes() {
        return Integer.getInteger("migration.bigNodes");
    }

    @Test
    void zooKeeperToCachai() throws Exception {
        try (Servers.Running zk = Servers.zooKeeper(dir.resolve("zk")); CachaiServer cachai = Servers.cachai(dir.resolve("c"));
             ZooKeeper source = ZkMigrationTest.connect(zk.hostPort())) {
            ZkPopulator.tree(source, "/warm", WARM_UP_KEYS / (LEAVES_PER_PARENT + 1), LEAVES_PER_PARENT);
            ZkPopulator.tree(source, "/big", nodes() / (LEAVES_PER_PARENT + 1), LEAVES_PER_PARENT);
            String target = "zk://127.0.0.1:" + cachai.zkPort();
            assertThat(ToolProcess.run("migrate", "zk://" + zk.hostPort() + "/warm", "--target", target, "--no-progress")
                    .exitCode()).isZero();
            String src = "zk://" + zk.hostPort() + "/big";
            measure("zookeeper", src, target, nodes());
            // The data directory holds the warm-up tree too: the whole of it is written.
            bootstrap("zookeeper data dir (" + WARM_UP_KEYS + " warm-up nodes included)", "zkdata:" + dir.resolve("zk"),
                    nodes() + WARM_UP_KEYS);
        }
    }

    @Test
    void etcdToCachai() throws Exception {
        try (Servers.Running etcd = Servers.etcd(dir); CachaiServer cachai = Servers.cachai(dir.resolve("c"));
             Client source = Client.builder().endpoints("http://" + etcd.hostPort()).build()) {
            EtcdMigrationTest.fill(source.getKVClient(), "/warm", WARM_UP_KEYS);
            EtcdMigrationTest.fill(source.getKVClient(), "/big", nodes());
            String target = "etcd://127.0.0.1:" + cachai.etcdPort();
            assertThat(ToolProcess.run("migrate", "etcd://" + etcd.hostPort() + "/warm", "--target", target, "--no-progress")
                    .exitCode()).isZero();
            measure("etcd", "etcd://" + etcd.hostPort() + "/big", target, nodes());
        }
    }

    @Test
    void etcdSnapshotToCachai() throws Exception {
        try (Servers.Running etcd = Servers.etcd(dir); CachaiServer cachai = Servers.cachai(dir.resolve("c"));
             Client source = Client.builder().endpoints("http://" + etcd.hostPort()).build()) {
            EtcdMigrationTest.fill(source.getKVClient(), "/warm", WARM_UP_KEYS);
            String target = "etcd://127.0.0.1:" + cachai.etcdPort();
            assertThat(ToolProcess.run("migrate", "etcd://" + etcd.hostPort() + "/warm", "--target", target, "--no-progress")
                    .exitCode()).isZero();
            EtcdMigrationTest.fill(source.getKVClient(), "/big", nodes());
            Path snapshot = dir.resolve("snapshot.db");
            Servers.etcdSnapshot(etcd.hostPort(), snapshot);
            // The snapshot also holds the warm-up keys, already in Cachai: read and compared, not written; a
            // bootstrap writes them all.
            measure("etcd snapshot file (" + WARM_UP_KEYS + " warm-up keys included)", "etcd-snapshot://" + snapshot, target,
                    nodes() + WARM_UP_KEYS);
        }
    }

    private void measure(String name, String src, String target, int bootstrapKeys) throws Exception {
        ToolProcess read = ToolProcess.run("migrate", src, "--dry-run", "--no-progress");
        assertThat(read.exitCode()).isZero();
        ToolProcess copy = ToolProcess.run("migrate", src, "--target", target, "--no-progress");
        assertThat(copy.exitCode()).isZero();
        ToolProcess verify = ToolProcess.run("verify", src, "--target", target);
        assertThat(verify.exitCode()).isZero();
        System.out.println(read.rate(name + " read only (dry run)", nodes()));
        System.out.println(copy.rate(name + " -> cachai copy", nodes()));
        System.out.println(copy.output().lines().filter(l -> l.startsWith("copied")).findFirst().orElse(""));
        System.out.println(verify.rate(name + " verify", nodes()));
        bootstrap(name, src, bootstrapKeys);
    }

    /** Writes a new data directory from the source, then starts a Cachai on it and verifies it clean. */
    private void bootstrap(String name, String src, int keys) throws Exception {
        Path data = dir.resolve("bootstrapped-" + bootstraps++);
        ToolProcess boot = ToolProcess.run("migrate", src, "--target", "datadir:" + data, "--name",
                BootstrapZkTest.NODE_NAME, "--no-progress");
        assertThat(boot.exitCode()).isZero();
        System.out.println(boot.rate(name + " -> datadir bootstrap", keys));
        System.out.println(boot.output().lines().filter(l -> l.startsWith("copied")).findFirst().orElse(""));
        try (CachaiServer started = CachaiServer.start(ServerConfig.ephemeral(data))) {
            String target = src.startsWith("zk") ? "zk://127.0.0.1:" + started.zkPort() : "etcd://127.0.0.1:" + started.etcdPort();
            assertThat(ToolProcess.run("verify", src, "--target", target).exitCode()).isZero();
        }
    }
}
