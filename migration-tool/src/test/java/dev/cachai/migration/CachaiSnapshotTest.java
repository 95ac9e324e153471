package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static dev.cachai.migration.EtcdMigrationTest.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot taken from Cachai with {@code etcdctl snapshot save} is an etcd backend file:
 * etcdctl's {@code snapshot status} checks and reads it, a real etcd restored from it with
 * {@code etcdctl snapshot restore} serves the same keys at the same revision to the same users
 * with the same roles, and the migration tool reads it back.
 */
class CachaiSnapshotTest {
    /** Enough keys for several leaf pages and a branch page above them. */
    static final int KEYS = 2_000;
    /** The snapshot's meta bucket holds the consistent index and the finished compaction. */
    static final int META_ENTRIES = 2;
    /** authEnabled and authRevision, users root and alice, role reader (root's is built in, as in etcd). */
    static final int AUTH_ENTRIES = 5;

    @TempDir
    Path dir;

    private static Client client(String hostPort) {
        return Client.builder().endpoints("http://" + hostPort).build();
    }

    private static Client client(String hostPort, String user, String password) {
        return Client.builder().endpoints("http://" + hostPort).user(bs(user)).password(bs(password)).build();
    }

    private static List<KeyValue> everyKey(KV kv) throws Exception {
        return kv.get(bs("\0"), GetOption.builder().withRange(bs("\0")).build()).get().getKvs();
    }

    /** What a key is, revisions and lease included. */
    private static List<String> described(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> kv.getKey() + " = " + kv.getValue().toString().length() + " bytes "
                + kv.getValue().toString().hashCode() + ", created " + kv.getCreateRevision() + ", modified "
                + kv.getModRevision() + ", version " + kv.getVersion() + ", lease " + kv.getLease()).toList();
    }

    @Test
    void etcdRestoredFromACachaiSnapshotServesTheSameKeysAtTheSameRevision() throws Exception {
        Path snapshot = dir.resolve("cachai.db");
        long revision;
        long lease;
        List<KeyValue> before;
        try (CachaiServer cachai = Servers.cachai(dir.resolve("cachai"));
             Client c = client("127.0.0.1:" + cachai.etcdPort())) {
            KV kv = c.getKVClient();
            EtcdMigrationTest.fill(kv, "/snap", KEYS);
            kv.put(bs("/snap/big"), bs("x".repeat(20_000))).get(); // larger than a page: overflow pages
            kv.put(bs("/snap/d1/k1"), bs("overwritten")).get();
            kv.txn().Then(Op.put(bs("/snap/t2"), bs("b"), PutOption.DEFAULT),
                    Op.put(bs("/snap/t1"), bs("a"), PutOption.DEFAULT)).commit().get(); // one revision, two keys
            lease = c.getLeaseClient().grant(900).get().getID();
            kv.put(bs("/snap/leased"), bs("held"), PutOption.builder().withLeaseId(lease).build()).get();
            // The last write is a delete: the revision must come through anyway.
            revision = kv.delete(bs("/snap/d2/k2")).get().getHeader().getRevision();
            before = everyKey(kv);
            // Auth changes move no key revision; the snapshot carries them in etcd's auth buckets.
            AuthAs.reader(c.getAuthClient());
            c.getAuthClient().authEnable().get();
            String endpoint = "127.0.0.1:" + cachai.etcdPort();
            Servers.etcdctl("--endpoints=" + endpoint, "--user", "root:root-pw", "snapshot", "save", snapshot.toString());
            assertThat(Cli.run("verify", "etcd-snapshot://" + snapshot, "--target", "etcd://" + endpoint,
                    "--target-etcd-user", "root:root-pw").exitCode()).as("the migration tool reads it").isZero();
        }
        assertThat(before).hasSize(KEYS + 3);

        // bbolt's consistency check runs first; every entry of every bucket counts as a key: the
        // keys, the lease, the meta entries, the tombstone that carries the revision, and auth's.
        String status = Servers.etcdctl("snapshot", "status", snapshot.toString(), "-w", "json");
        assertThat(status).contains("\"revision\":" + revision + ",")
                .contains("\"totalKey\":" + (before.size() + 1 + META_ENTRIES + 1 + AUTH_ENTRIES));

        int client = Servers.freePort();
        int peer = Servers.freePort();
        Path restored = dir.resolve("restored");
        Servers.etcdctl("snapshot", "restore", snapshot.toString(), "--data-dir", restored.resolve("etcd").toString(),
                "--name", "a", "--initial-cluster", "a=http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer);
        try (Servers.Running etcd = Servers.etcd(restored, client, peer);
             Client e = client(etcd.hostPort(), "root", "root-pw");
             Client alice = client(etcd.hostPort(), "alice", "alice-pw")) {
            KV kv = e.getKVClient();
            List<KeyValue> after = everyKey(kv);
            assertThat(kv.get(bs("/snap")).get().getHeader().getRevision()).isEqualTo(revision);
            assertThat(described(after)).isEqualTo(described(before));
            assertThat(e.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get().getGrantedTTL()).isEqualTo(900);
            assertThatThrownBy(() -> kv.get(bs("/snap"), GetOption.builder().withRevision(2).build()).get())
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("compacted");
            assertThat(kv.put(bs("/snap/after"), bs("new")).get().getHeader().getRevision()).isEqualTo(revision + 1);

            // Cachai's password hashes are etcd's bcrypt: the users log in, with their roles.
            assertThat(alice.getKVClient().get(bs("/snap/t1")).get().getKvs().get(0).getValue().toString()).isEqualTo("a");
            assertThatThrownBy(() -> alice.getKVClient().put(bs("/snap/t1"), bs("no")).get())
                    .hasMessageContaining("permission denied");
            try (Client wrong = client(etcd.hostPort(), "alice", "wrong")) {
                assertThatThrownBy(() -> wrong.getKVClient().get(bs("/snap/t1")).get())
                        .hasMessageContaining("UNAUTHENTICATED");
            }
        }
    }
}
