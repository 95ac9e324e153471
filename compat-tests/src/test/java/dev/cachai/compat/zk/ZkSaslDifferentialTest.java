package dev.cachai.compat.zk;

import dev.cachai.compat.FreePorts;
import dev.cachai.compat.cluster.ProcessCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SASL DIGEST-MD5 configured as ZooKeeper operators configure it (a JAAS file with a Server
 * section of user_NAME="password" entries, named by java.security.auth.login.config): ZooKeeper
 * 3.9.5 with its SASL provider and the Cachai jar, each a process of its own started with the same
 * file, and Java clients in a JVM of their own logging in under several sections
 * ({@link SaslScenario}). Every step must end the same on both.
 */
class ZkSaslDifferentialTest {
    private static final String JAAS = """
            Server {
                org.apache.zookeeper.server.auth.DigestLoginModule required
                user_super="supersecret"
                user_bob="bobsecret"
                user_alice="alicesecret";
            };
            Bob { org.apache.zookeeper.server.auth.DigestLoginModule required username="bob" password="bobsecret"; };
            Alice { org.apache.zookeeper.server.auth.DigestLoginModule required username="alice" password="alicesecret"; };
            Super { org.apache.zookeeper.server.auth.DigestLoginModule required username="super" password="supersecret"; };
            Mallory { org.apache.zookeeper.server.auth.DigestLoginModule required username="bob" password="wrong"; };
            """;
    private static final int RUN_S_MAX = 90;

    @TempDir
    Path dir;

    @Test
    void digestMd5LoginsAndSaslAclsAnswerAsZooKeeper() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);
        List<String> expected = sameOnBoth(dir, jaas, connect -> scenario(connect, jaas));
        assertThat(expected).contains("login Bob: SaslAuthenticated", "login Mallory: AuthFailed",
                "acl of /sasl/mine: [31 sasl:bob]", "bob whoAmI: [sasl:bob, ip:127.0.0.1]", "alice reads: error NOAUTH",
                "anonymous reads: error NOAUTH", "super reads: x", "bob sets a malformed sasl id: error INVALIDACL",
                "mallory reads: error AUTHFAILED", "done");
    }

    /** A client set up for SASL meets a server without it: both answer its token with none. */
    @Test
    void aSaslClientOfAServerWithoutSaslFailsToLogInAsWithZooKeeper() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);
        List<String> expected;
        try (ZkTargets.Target real = ZkTargets.realZooKeeperProcess(Map.of())) {
            expected = scenario(real.connectString(), jaas, "Bob");
        }
        try (ZkTargets.Target cachai = ZkTargets.cachai()) {
            assertThat(scenario(cachai.connectString(), jaas, "Bob")).containsExactlyElementsOf(expected);
        }
        assertThat(expected).startsWith("login Bob: AuthFailed");
    }

    /** What a scenario reports against one server. */
    interface Scenario {
        List<String> run(String connect) throws Exception;
    }

    /**
     * Runs {@code scenario} against ZooKeeper 3.9.5 with its SASL provider and against the Cachai
     * jar, each a process started with {@code jaas}; Cachai must report ZooKeeper's lines, which
     * are returned.
     */
    static List<String> sameOnBoth(Path dir, Path jaas, Scenario scenario) throws Exception {
        List<String> expected;
        try (ZkTargets.Target real = ZkTargets.realZooKeeperProcess(Map.of(
                "java.security.auth.login.config", jaas.toString(),
                "zookeeper.authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider"))) {
            expected = scenario.run(real.connectString());
        }
        int zkPort = FreePorts.next();
        Process cachai = startCachai(Files.createDirectories(dir.resolve("cachai-process")), jaas, zkPort);
        try {
            assertThat(scenario.run("127.0.0.1:" + zkPort)).containsExactlyElementsOf(expected);
        } finally {
            cachai.destroy();
            cachai.waitFor(RUN_S_MAX, TimeUnit.SECONDS);
        }
        return expected;
    }

    /** The Cachai jar as a process of its own, started with {@code jaas}; returns once its ZooKeeper port answers. */
    private static Process startCachai(Path dir, Path jaas, int zkPort) throws Exception {
        Path log = dir.resolve("cachai.log");
        Process p = new ProcessBuilder(java(), "-Djava.security.auth.login.config=" + jaas, "-jar",
                ProcessCluster.JAR.toString(), "--data-dir", dir.resolve("cachai").toString(),
                "--zk-listen", "127.0.0.1:" + zkPort, "--etcd-listen", "127.0.0.1:" + FreePorts.next(),
                "--peer-listen", "127.0.0.1:" + FreePorts.next())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(p.isAlive()).as("Cachai exited; log: %s", Files.readString(log)).isTrue();
            try (Socket s = new Socket("127.0.0.1", zkPort)) {
                return true;
            } catch (Exception notYet) {
                return false;
            }
        });
        return p;
    }

    /** SaslScenario's lines against {@code connect}, without log lines. */
    private List<String> scenario(String connect, Path jaas, String... loginOnly) throws Exception {
        Path out = dir.resolve("scenario-" + connect.replace(':', '-') + ".txt");
        List<String> command = new java.util.ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "-Djava.security.auth.login.config=" + jaas,
                // ZooKeeper 3.9 clients use DIGEST-MD5 only with FIPS mode off, against either server.
                "-Dzookeeper.fips-mode=false", SaslScenario.class.getName(), connect));
        command.addAll(List.of(loginOnly));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(RUN_S_MAX, TimeUnit.SECONDS)).as("scenario finished").isTrue();
        List<String> all = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join("\n", all)).isZero();
        return all.stream().filter(l -> l.startsWith(SaslScenario.MARK))
                .map(l -> l.substring(SaslScenario.MARK.length())).toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
