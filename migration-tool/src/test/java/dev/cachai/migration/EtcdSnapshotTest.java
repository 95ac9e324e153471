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

    /**
     * Users keep their passwords: etcd's bcrypt hashes (made by Go) go over as they are and Cachai checks them;
     * roles keep their key permissions; a user without a password stays without one.
     */
    @Test
    void snapshotCopiesUsersAndRolesWithTheirPasswords() throws Exception {
        Path snapshot = dir.resolve("auth.db");
        try (Servers.Running etcd = Servers.etcd(dir); Client source = Client.builder().endpoints("http://" + etcd.hostPort()).build();
             CachaiServer cachai = Servers.cachai(dir.resolve("cachai"))) {
            source.getKVClient().put(bs("/snap/a"), bs("1")).get();
            AuthAs.reader(source.getAuthClient());
            String endpoint = "--endpoints=" + etcd.hostPort();
            Servers.etcdctl(endpoint, "user", "add", "svc", "--no-password");
            source.getAuthClient().authEnable().get();
            Servers.etcdctl(endpoint, "--user", "root:root-pw", "snapshot", "save", snapshot.toString());
            String target = "127.0.0.1:" + cachai.etcdPort();

            assertThat(Cli.run("migrate", "etcd-snapshot://" + snapshot, "--dry-run", "--no-progress").err())
                    .contains("1 keys would be copied with 3 users and 1 roles; nothing was written");
            Cli copy = Cli.run("migrate", "etcd-snapshot://" + snapshot, "--target", "etcd://" + target, "--no-progress");
            assertThat(copy.exitCode()).isZero();
            assertThat(copy.out()).contains("1 roles copied, 3 users copied").contains("auth is enabled in the source");
            try (Client admin = Client.builder().endpoints("http://" + target).build()) {
                admin.getAuthClient().authEnable().get();
            }
            AuthAs.checkReader(target);
            assertThat(AuthAs.logsIn(target, "svc", "")).as("no password, none to log in with").isFalse();

            Cli rerun = Cli.run("migrate", "etcd-snapshot://" + snapshot, "--target", "etcd://" + target,
                    "--target-etcd-user", "root:root-pw", "--no-progress");
            assertThat(rerun.exitCode()).as(rerun.err()).isZero();
            assertThat(rerun.out()).contains("1 already identical").contains("1 roles copied, 3 users copied");
            AuthAs.checkReader(target);
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
