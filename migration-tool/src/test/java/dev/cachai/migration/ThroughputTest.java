package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import io.etcd.jetcd.Client;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The big copies, off by default: {@code ./mvnw -pl migration-tool verify -Dtest=ThroughputTest -Dmigration.bigNodes=100000}.
 * Prints keys/s for a live ZooKeeper and a live etcd source.
 */
@EnabledIfSystemProperty(named = "migration.bigNodes", matches = "[1-9][0-9]*")
class ThroughputTest {
    static final int LEAVES_PER_PARENT = 99;

    @TempDir
    Path dir;

    static int nodes() {
        return Integer.getInteger("migration.bigNodes");
    }

    @Test
    void zooKeeperToCachai() throws Exception {
        try (Servers.Running zk = Servers.zooKeeper(dir.resolve("zk")); CachaiServer cachai = Servers.cachai(dir.resolve("c"));
             ZooKeeper source = ZkMigrationTest.connect(zk.hostPort())) {
            ZkPopulator.tree(source, "/big", nodes() / (LEAVES_PER_PARENT + 1), LEAVES_PER_PARENT);
            long started = System.nanoTime();
            Cli copy = Cli.run("migrate", "zk://" + zk.hostPort(), "--target", "zk://127.0.0.1:" + cachai.zkPort());
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(copy.exitCode()).isZero();
            System.out.printf("RATE zookeeper -> cachai: %d nodes in %.1f s = %.0f keys/s%n", nodes(), seconds, nodes() / seconds);
            assertThat(Cli.run("verify", "zk://" + zk.hostPort(), "--target", "zk://127.0.0.1:" + cachai.zkPort()).exitCode()).isZero();
        }
    }

    @Test
    void etcdToCachai() throws Exception {
        try (Servers.Running etcd = Servers.etcd(dir); CachaiServer cachai = Servers.cachai(dir.resolve("c"));
             Client source = Client.builder().endpoints("http://" + etcd.hostPort()).build()) {
            EtcdMigrationTest.fill(source.getKVClient(), "/big", nodes());
            long started = System.nanoTime();
            Cli copy = Cli.run("migrate", "etcd://" + etcd.hostPort(), "--target", "etcd://127.0.0.1:" + cachai.etcdPort());
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(copy.exitCode()).isZero();
            System.out.printf("RATE etcd -> cachai: %d keys in %.1f s = %.0f keys/s%n", nodes(), seconds, nodes() / seconds);
        }
    }
}
