package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.PutOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.cachai.migration.EtcdMigrationTest.bs;
import static org.assertj.core.api.Assertions.assertThat;

/** An etcd snapshot file taken with etcdctl from a real etcd, read offline into an in-process Cachai. */
class EtcdSnapshotTest {
    static final int KEYS = 3_000;

    @TempDir
    Path dir;

    @Test
    void snapshotCopiesTheLatestKeysAndLeasesUnderTheirIds() throws Exception {
        Path snapshot = dir.resolve("snapshot.db");
        long lease;
        try (Servers.Running etcd = Servers.etcd(dir); Client source = Client.builder().endpoints("http://" + etcd.hostPort()).build();
             CachaiServer cachai = Servers.cachai(dir.resolve("cachai"))) {
            KV kv = source.getKVClient();
            EtcdMigrationTest.fill(kv, "/snap", KEYS);
            kv.put(bs("/snap/d1/k1"), bs("overwritten")).get();
            kv.delete(bs("/snap/d2/k2")).get();
            kv.put(bs("/snap/gone"), bs("put, then deleted")).get();
            kv.delete(bs("/snap/gone")).get();
            // Larger than a 4 KiB page: stored on overflow pages.
            kv.put(bs("/snap/big"), bs("x".repeat(20_000))).get();
            lease = source.getLeaseClient().grant(900).get().getID();
            kv.put(bs("/snap/leased"), bs("held"), PutOption.builder().withLeaseId(lease).build()).get();
            Servers.etcdSnapshot(etcd.hostPort(), snapshot);
            String target = "etcd://127.0.0.1:" + cachai.etcdPort();

            Cli copy = Cli.run("migrate", "etcd-snapshot://" + snapshot, "--target", target, "--no-progress");
            assertThat(copy.exitCode()).isZero();
            assertThat(copy.out()).contains((KEYS + 1) + " created").contains("1 leases recreated");
            assertThat(Cli.run("verify", "etcd-snapshot://" + snapshot, "--target", target).exitCode()).isZero();
            // The live etcd has not changed since the snapshot, so it verifies clean against the copy too.
            assertThat(Cli.run("verify", "etcd://" + etcd.hostPort() + "/snap", "--target", target).exitCode()).isZero();

            try (Client t = Client.builder().endpoints("http://127.0.0.1:" + cachai.etcdPort()).build()) {
                assertThat(value(t, "/snap/d1/k1")).isEqualTo("overwritten");
                assertThat(t.getKVClient().get(bs("/snap/d2/k2")).get().getKvs()).isEmpty();
                assertThat(t.getKVClient().get(bs("/snap/gone")).get().getKvs()).isEmpty();
                assertThat(value(t, "/snap/big")).hasSize(20_000);
                var held = t.getKVClient().get(bs("/snap/leased")).get().getKvs().get(0);
                assertThat(held.getLease()).isEqualTo(lease);
                long ttl = t.getLeaseClient().timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT).get().getTTL();
                assertThat(ttl).isBetween(800L, 900L);
            }
            Cli rerun = Cli.run("migrate", "etcd-snapshot://" + snapshot, "--target", target, "--no-progress");
            assertThat(rerun.exitCode()).isZero();
            assertThat(rerun.out()).contains((KEYS + 1) + " already identical").doesNotContain(" created");
        }
    }

    @Test
    void aFileThatIsNotASnapshotIsAClearError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.db"), "not a bbolt file ".repeat(400));
        Cli r = Cli.run("migrate", "etcd-snapshot://" + junk, "--dry-run");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is not a readable etcd snapshot").doesNotContain("\tat ");
    }

    private static String value(Client c, String key) throws Exception {
        return c.getKVClient().get(bs(key)).get().getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
    }
}
