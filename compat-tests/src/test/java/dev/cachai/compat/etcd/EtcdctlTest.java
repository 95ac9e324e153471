package dev.cachai.compat.etcd;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Debian's etcdctl (3.4) driven as an operator would, against Cachai. */
class EtcdctlTest {
    private static String etcdctl(String endpoint, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcdctl", "--endpoints=" + endpoint, "--command-timeout=5s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    void putGetTxnLeaseDelAndStatus() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcdctl")), "etcdctl not installed");
        try (Targets.Target cachai = Targets.cachai()) {
            String ep = cachai.endpoint();
            assertThat(etcdctl(ep, "put", "foo", "bar")).isEqualTo("OK");
            assertThat(etcdctl(ep, "get", "foo")).isEqualTo("foo\nbar");
            assertThat(etcdctl(ep, "get", "f", "--prefix", "--keys-only")).isEqualTo("foo");
            String lease = etcdctl(ep, "lease", "grant", "60");
            assertThat(lease).matches("lease [0-9a-f]+ granted with TTL\\(60s\\)");
            String id = lease.split(" ")[1];
            assertThat(etcdctl(ep, "put", "leased", "v", "--lease=" + id)).isEqualTo("OK");
            assertThat(etcdctl(ep, "lease", "timetolive", id, "--keys")).contains("attached keys([leased])");
            assertThat(etcdctl(ep, "lease", "revoke", id)).isEqualTo("lease " + id + " revoked");
            assertThat(etcdctl(ep, "get", "leased")).isEmpty();
            assertThat(etcdctl(ep, "del", "foo")).isEqualTo("1");
            assertThat(etcdctl(ep, "endpoint", "status", "-w", "json")).contains("\"version\":\"3.5.17\"");
            assertThat(etcdctl(ep, "member", "list")).contains("default");
            assertThat(etcdctl(ep, "get", "foo", "--rev=100")).contains("required revision is a future revision");
        }
    }
}
