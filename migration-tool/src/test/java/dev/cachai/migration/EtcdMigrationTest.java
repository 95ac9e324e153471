package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.PutOption;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A real etcd (process) copied into an in-process Cachai through the command's own entry point. */
class EtcdMigrationTest {
    /** Default size: 2,000 keys in 20 directories. */
    static final int KEYS = 2_000;

    @TempDir
    static Path dir;
    static Servers.Running etcd;
    static CachaiServer cachai;
    static Client source;
    static long lease;

    @BeforeAll
    static void start() throws Exception {
        etcd = Servers.etcd(dir);
        cachai = Servers.cachai(dir.resolve("cachai"));
        source = Client.builder().endpoints("http://" + etcd.hostPort()).build();
        fill(source.getKVClient(), "/svc", KEYS);
        lease = source.getLeaseClient().grant(600).get().getID();
        source.getKVClient().put(bs("/svc/leased/a"), bs("held"), PutOption.builder().withLeaseId(lease).build()).get();
        source.getKVClient().put(bs("/svc/leased/b"), bs("held too"), PutOption.builder().withLeaseId(lease).build()).get();
        source.getKVClient().put(bs("/other/x"), bs("outside the prefix")).get();
    }

    @AfterAll
    static void stop() {
        source.close();
        cachai.close();
        etcd.close();
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static void fill(KV kv, String prefix, int keys) throws Exception {
        List<CompletableFuture<?>> batch = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            batch.add(kv.put(bs(prefix + "/d" + (i % 20) + "/k" + i), bs("value " + i)));
            if (batch.size() == 500) {
                CompletableFuture.allOf(batch.toArray(new CompletableFuture[0])).get();
                batch.clear();
            }
        }
        CompletableFuture.allOf(batch.toArray(new CompletableFuture[0])).get();
    }

    String target() {
        return "etcd://127.0.0.1:" + cachai.etcdPort();
    }

    @Test
    void copiesPrefixWithLeasesVerifiesAndReadsThroughZooKeeper() throws Exception {
        String src = "etcd://" + etcd.hostPort() + "/svc";
        Cli copy = Cli.run("migrate", src, "--target", target(), "--no-progress");
        assertThat(copy.exitCode()).isZero();
        assertThat(copy.out()).contains((KEYS + 2) + " created").contains("1 leases recreated");
        assertThat(Cli.run("verify", src, "--target", target()).exitCode()).isZero();

        try (Client t = Client.builder().endpoints("http://127.0.0.1:" + cachai.etcdPort()).build()) {
            var kv = t.getKVClient().get(bs("/svc/leased/a")).get().getKvs().get(0);
            assertThat(kv.getLease()).isEqualTo(lease);
            long ttl = t.getLeaseClient().timeToLive(kv.getLease(), io.etcd.jetcd.options.LeaseOption.DEFAULT).get().getTTL();
            assertThat(ttl).isBetween(500L, 600L);
            assertThat(t.getKVClient().get(bs("/other/x")).get().getKvs()).isEmpty();
        }
        try (ZooKeeper zk = ZkMigrationTest.connect("127.0.0.1:" + cachai.zkPort())) {
            assertThat(new String(zk.getData("/svc/d7/k7", false, null), StandardCharsets.UTF_8)).isEqualTo("value 7");
        }

        Cli rerun = Cli.run("migrate", src, "--target", target(), "--no-progress");
        assertThat(rerun.exitCode()).isZero();
        assertThat(rerun.out()).contains((KEYS + 2) + " already identical").doesNotContain(" created").doesNotContain("leases");

        try (Client t = Client.builder().endpoints("http://127.0.0.1:" + cachai.etcdPort()).build()) {
            t.getKVClient().put(bs("/svc/d1/k1"), bs("changed")).get();
            t.getKVClient().put(bs("/svc/extra"), bs("only here")).get();
        }
        Cli verify = Cli.run("verify", src, "--target", target());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("differs: /svc/d1/k1").contains("only in target: /svc/extra");
    }

    @Test
    void dryRunAndErrorsAreClear() {
        Cli dry = Cli.run("migrate", "etcd://" + etcd.hostPort() + "/other", "--dry-run", "--no-progress");
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.err()).contains("1 keys would be copied");
        int closed = Servers.freePort();
        Cli down = Cli.run("migrate", "etcd://127.0.0.1:" + closed, "--target", target(), "--connect-timeout-seconds", "2");
        assertThat(down.exitCode()).isEqualTo(2);
        assertThat(down.err()).contains("source etcd at 127.0.0.1:" + closed).doesNotContain("\tat ");
    }
}
