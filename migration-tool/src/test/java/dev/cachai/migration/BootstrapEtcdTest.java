package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.cachai.migration.EtcdMigrationTest.bs;
import static org.assertj.core.api.Assertions.assertThat;

/** A real etcd (live, and a snapshot file of it) written offline into new data directories Cachai starts from. */
class BootstrapEtcdTest {
    static final int KEYS = 2_000;

    @TempDir
    static Path dir;
    static Servers.Running etcd;
    static Client source;
    static long lease;

    @BeforeAll
    static void start() throws Exception {
        etcd = Servers.etcd(dir);
        source = Client.builder().endpoints("http://" + etcd.hostPort()).build();
        EtcdMigrationTest.fill(source.getKVClient(), "/svc", KEYS);
        lease = source.getLeaseClient().grant(600).get().getID();
        source.getKVClient().put(bs("/svc/leased/a"), bs("held"), PutOption.builder().withLeaseId(lease).build()).get();
        source.getKVClient().put(bs("/svc/leased/b"), bs("held too"), PutOption.builder().withLeaseId(lease).build()).get();
        source.getKVClient().put(bs("/svc/d1/k1"), bs("overwritten")).get();
        source.getKVClient().put(bs("/other/x"), bs("outside the prefix")).get();
        source.getKVClient().put(bs("/snap/a"), bs("read by alice")).get();
        AuthAs.reader(source.getAuthClient());
    }

    @AfterAll
    static void stop() {
        source.close();
        etcd.close();
    }

    @Test
    void liveEtcdIntoADataDirWithLeasesUnderTheirIds() throws Exception {
        Path data = dir.resolve("live");
        String src = "etcd://" + etcd.hostPort() + "/svc";
        Cli copy = Cli.run("migrate", src, "--target", "datadir:" + data, "--name", BootstrapZkTest.NODE_NAME, "--no-progress");
        assertThat(copy.exitCode()).isZero();
        assertThat(copy.out()).contains((KEYS + 2) + " created").contains("1 leases recreated");

        try (CachaiServer cachai = CachaiServer.start(ServerConfig.ephemeral(data));
             Client t = Client.builder().endpoints("http://127.0.0.1:" + cachai.etcdPort()).build()) {
            assertThat(Cli.run("verify", src, "--target", "etcd://127.0.0.1:" + cachai.etcdPort()).exitCode()).isZero();
            var held = t.getKVClient().get(bs("/svc/leased/a")).get().getKvs().get(0);
            assertThat(held.getLease()).isEqualTo(lease);
            // Granted with the TTL the source had left; a new leader gives every lease its full TTL.
            long ttl = t.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get().getTTL();
            assertThat(ttl).isBetween(500L, 600L);
            assertThat(t.getKVClient().get(bs("/other/x")).get().getKvs()).isEmpty();
            // The cluster goes on from the copied state: writes and revisions continue.
            long revision = t.getKVClient().put(bs("/svc/new"), bs("after the start")).get().getHeader().getRevision();
            assertThat(revision).isGreaterThan(KEYS + 2);
            try (ZooKeeper zk = ZkMigrationTest.connect("127.0.0.1:" + cachai.zkPort())) {
                assertThat(new String(zk.getData("/svc/d7/k7", false, null), StandardCharsets.UTF_8)).isEqualTo("value 7");
                assertThat(new String(zk.getData("/svc/d1/k1", false, null), StandardCharsets.UTF_8)).isEqualTo("overwritten");
            }
        }
    }

    @Test
    void etcdSnapshotFileIntoADataDir() throws Exception {
        Path snapshot = dir.resolve("snapshot.db");
        Servers.etcdSnapshot(etcd.hostPort(), snapshot);
        Path data = dir.resolve("from-snapshot");
        Cli copy = Cli.run("migrate", "etcd-snapshot://" + snapshot, "--target", "datadir:" + data,
                "--name", BootstrapZkTest.NODE_NAME, "--no-progress");
        assertThat(copy.exitCode()).isZero();
        assertThat(copy.out()).contains((KEYS + 4) + " created").contains("1 leases recreated")
                .contains("1 roles copied, 2 users copied");
        try (CachaiServer cachai = CachaiServer.start(ServerConfig.ephemeral(data))) {
            String target = "etcd://127.0.0.1:" + cachai.etcdPort();
            assertThat(Cli.run("verify", "etcd-snapshot://" + snapshot, "--target", target).exitCode()).isZero();
            assertThat(Cli.run("verify", "etcd://" + etcd.hostPort(), "--target", target).exitCode()).isZero();
            // The users came with their etcd-made hashes and their roles.
            try (Client admin = Client.builder().endpoints("http://127.0.0.1:" + cachai.etcdPort()).build()) {
                admin.getAuthClient().authEnable().get();
            }
            AuthAs.checkReader("127.0.0.1:" + cachai.etcdPort());
        }
    }
}
