package dev.cachai.compat.etcd;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Debian's etcdctl (3.4) driven as an operator would, against the Cachai server and a real etcd. */
class EtcdctlTest {
    /** Lease ids (leader keys of elect, lock keys) differ between servers. */
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final Pattern LEASE_ID = Pattern.compile("\\b[0-9a-f]{12,16}\\b");
    /** Keys make-mirror copies in its first sync. */
    private static final int MIRRORED_KEYS = 20;

    @Test
    void putGetTxnLeaseDelStatusAndTheGatewayOnTheSamePort() throws Exception {
        try (Targets.Target cachai = Targets.cachai()) {
            Etcdctl ctl = new Etcdctl(cachai.endpoint());
            assertThat(ctl.run("put", "foo", "bar")).isEqualTo("OK");
            assertThat(ctl.run("get", "foo")).isEqualTo("foo\nbar");
            assertThat(ctl.run("get", "f", "--prefix", "--keys-only")).isEqualTo("foo");
            String lease = ctl.run("lease", "grant", "60");
            assertThat(lease).matches("lease [0-9a-f]+ granted with TTL\\(60s\\)");
            String id = lease.split(" ")[1];
            assertThat(ctl.run("put", "leased", "v", "--lease=" + id)).isEqualTo("OK");
            assertThat(ctl.run("lease", "timetolive", id, "--keys")).contains("attached keys([leased])");
            assertThat(ctl.run("lease", "revoke", id)).isEqualTo("lease " + id + " revoked");
            assertThat(ctl.run("get", "leased")).isEmpty();
            assertThat(ctl.run("endpoint", "status", "-w", "json")).contains("\"version\":\"3.5.17\"");
            assertThat(ctl.run("endpoint", "health")).contains("is healthy");
            assertThat(ctl.run("member", "list")).contains("test");
            assertThat(ctl.run("get", "foo", "--rev=100")).contains("required revision is a future revision");
            // The HTTP gateway answers on the very port etcdctl used, as on etcd.
            assertThat(curl(cachai.endpoint() + "/v3/kv/range", "{\"key\":\"Zm9v\"}")).contains("\"value\":\"YmFy\"");
            assertThat(curl(cachai.endpoint() + "/health", null)).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
            assertThat(ctl.run("del", "foo")).isEqualTo("1");
        }
    }

    /**
     * etcdctl's own check of a cluster: 10,000 puts of 1 KiB from 50 clients, then the memory the
     * server reports on /metrics (process_resident_memory_bytes) compared with etcd's limit for
     * that load. (`check perf` passes too, by hand: it takes a minute.)
     */
    @Test
    void checkDatascalePasses() throws Exception {
        try (Targets.Target cachai = Targets.cachai()) {
            String report = new Etcdctl(cachai.endpoint()).run("check", "datascale", "--load=s");
            assertThat(report).contains("PASS: Approximate system memory used").doesNotContain("FAIL");
        }
    }

    @Test
    void txnLockElectWatchAndAuthPrintWhatEtcdPrints() throws Exception {
        try (Targets.Target etcd = Targets.realEtcd()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            List<String> expected = script(new Etcdctl(etcd.endpoint()));
            try (Targets.Target cachai = Targets.cachai()) {
                List<String> actual = script(new Etcdctl(cachai.endpoint()));
                assertThat(actual).containsExactlyElementsOf(expected);
            }
        }
    }

    /**
     * {@code etcdctl make-mirror}, an operator's way to move keys between clusters (a Sync at one
     * revision, then a watch from the next): from a real etcd into Cachai and back out under
     * another prefix, later puts and deletes included.
     */
    @Test
    void makeMirrorCopiesFromEtcdIntoCachaiAndBack() throws Exception {
        try (Targets.Target etcd = Targets.realEtcd(); Targets.Target cachai = Targets.cachai()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            Etcdctl fromEtcd = new Etcdctl(etcd.endpoint());
            Etcdctl fromCachai = new Etcdctl(cachai.endpoint());
            for (int i = 0; i < MIRRORED_KEYS; i++) {
                fromEtcd.run("put", "/mm/k" + i, "v" + i);
            }
            mirror(fromEtcd, cachai.endpoint(), "/mm", "/mm", () -> {
                fromEtcd.run("put", "/mm/later", "after the sync");
                fromEtcd.run("del", "/mm/k0");
            });
            List<String> copied = listing(fromCachai, "/mm");
            assertThat(copied).isEqualTo(listing(fromEtcd, "/mm")).hasSize(2 * MIRRORED_KEYS);

            mirror(fromCachai, etcd.endpoint(), "/mm", "/back", () -> fromCachai.run("del", "/mm/k1"));
            assertThat(listing(fromEtcd, "/back")).isEqualTo(listing(fromCachai, "/mm").stream()
                    .map(line -> line.startsWith("/mm/") ? "/back/" + line.substring(4) : line).toList());
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /**
     * Runs make-mirror from {@code source} to {@code destination} until the destination lists
     * what the source has under {@code prefix} (renamed to {@code destPrefix}), runs {@code
     * meanwhile} and waits for that to arrive too, then stops it.
     */
    private static void mirror(Etcdctl source, String destination, String prefix, String destPrefix, Step meanwhile)
            throws Exception {
        Etcdctl dest = new Etcdctl(destination);
        Process p = source.start("make-mirror", "--prefix", prefix, "--dest-prefix", destPrefix,
                destination.replace("http://", ""));
        try {
            awaitSame(source, prefix, dest, destPrefix);
            meanwhile.run();
            awaitSame(source, prefix, dest, destPrefix);
        } finally {
            p.destroy();
            p.waitFor(Etcdctl.PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static void awaitSame(Etcdctl source, String prefix, Etcdctl dest, String destPrefix) {
        org.awaitility.Awaitility.await().atMost(Etcdctl.PROCESS_TIMEOUT).pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> listing(dest, destPrefix).equals(listing(source, prefix).stream()
                        .map(l -> l.startsWith(prefix + "/") ? destPrefix + l.substring(prefix.length()) : l).toList()));
    }

    /** Keys and values under {@code prefix}, one line each, in key order. */
    private static List<String> listing(Etcdctl ctl, String prefix) throws Exception {
        String out = ctl.run("get", prefix + "/", "--prefix");
        return out.isEmpty() ? List.of() : out.lines().toList();
    }

    private static String curl(String url, String body) throws Exception {
        assertThat(Files.isExecutable(CURL)).as("curl installed").isTrue();
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", "10", url));
        if (body != null) {
            cmd.addAll(List.of("-X", "POST", "-d", body));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static List<String> script(Etcdctl ctl) throws Exception {
        List<String> log = new ArrayList<>();
        log.add(ctl.run("put", "foo", "bar"));
        // txn reads compares, then success ops, then failure ops, separated by blank lines.
        log.add(ctl.runWithInput("value(\"foo\") = \"bar\"\n\nput foo bar2\nget foo\n\nput foo never\n\n", "txn"));
        log.add(ctl.runWithInput("mod(\"foo\") < \"2\"\n\nput foo never\n\nget foo\n\n", "txn"));
        log.add(ctl.run("lock", "mylock", "echo", "in the lock"));
        log.addAll(ctl.firstLines(2, "elect", "myelection", "proposal-a"));
        // Watch from the first put's revision: a replay, so nothing races the watch's creation.
        ctl.run("put", "w/a", "1");
        ctl.run("put", "w/b", "2");
        String fields = ctl.run("get", "w/a", "-w", "fields");
        var rev = java.util.regex.Pattern.compile("\"ModRevision\" : (\\d+)").matcher(fields);
        assertThat(rev.find()).as(fields).isTrue();
        log.addAll(ctl.firstLines(6, "watch", "--prefix", "w/", "--rev=" + rev.group(1)));
        log.addAll(auth(ctl));
        return log.stream().map(l -> LEASE_ID.matcher(l).replaceAll("<id>")).toList();
    }

    private static List<String> auth(Etcdctl ctl) throws Exception {
        List<String> log = new ArrayList<>();
        log.add(ctl.run("role", "add", "root"));
        log.add(ctl.run("user", "add", "root", "--new-user-password=rootpw"));
        log.add(ctl.run("user", "grant-role", "root", "root"));
        log.add(ctl.run("role", "add", "reader"));
        log.add(ctl.run("role", "grant-permission", "reader", "read", "foo"));
        log.add(ctl.run("user", "add", "alice", "--new-user-password=alicepw"));
        log.add(ctl.run("user", "grant-role", "alice", "reader"));
        log.add(ctl.run("auth", "enable"));
        log.add("anonymous: " + ctl.run("get", "foo"));
        log.add("alice get: " + ctl.run("--user=alice:alicepw", "get", "foo"));
        log.add("alice put: " + ctl.run("--user=alice:alicepw", "put", "foo", "x"));
        log.add("bad password: " + ctl.run("--user=alice:wrong", "get", "foo"));
        log.add(ctl.run("--user=root:rootpw", "role", "get", "reader"));
        log.add(ctl.run("--user=root:rootpw", "user", "list"));
        log.add(ctl.run("--user=root:rootpw", "auth", "disable"));
        log.add("after disable: " + ctl.run("get", "foo"));
        return log;
    }
}
