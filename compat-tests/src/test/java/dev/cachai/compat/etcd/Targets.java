package dev.cachai.compat.etcd;

import dev.cachai.engine.testing.SyncGateway;

import dev.cachai.compat.FreePorts;
import dev.cachai.compat.TempDirs;
import dev.cachai.etcd.EtcdServer;
import dev.cachai.etcd.EtcdServerConfig;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The two servers the differential tests run against: Cachai's adapter and a real etcd. */
final class Targets {
    private Targets() {}

    interface Target extends AutoCloseable {
        String endpoint();

        String name();

        @Override
        void close();
    }

    /** A differential scenario: what one target answered, one line per step. */
    interface Scenario {
        List<String> run(Target target) throws Exception;
    }

    /** Runs the scenario on a new real etcd, then on a new Cachai, which must answer line for line the same; etcd's lines. */
    static List<String> sameOnCachaiAsOnEtcd(Scenario scenario) throws Exception {
        List<String> expected;
        try (Target etcd = realEtcd()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            expected = scenario.run(etcd);
        }
        try (Target cachai = cachai()) {
            assertThat(scenario.run(cachai)).containsExactlyElementsOf(expected);
        }
        return expected;
    }

    /**
     * The whole server as a user runs it (durable log, lease keeper, etcd and ZooKeeper
     * endpoints, the HTTP gateway on the etcd port) with its data in a temp dir.
     */
    static Target cachai() throws IOException {
        Path dir = Files.createTempDirectory("cachai-etcd");
        CachaiServer server = CachaiServer.start(ServerConfig.ephemeral(dir));
        return new Target() {
            public String endpoint() { return "http://127.0.0.1:" + server.etcdPort(); }
            public String name() { return "cachai"; }
            public void close() {
                server.close();
                TempDirs.deleteTree(dir);
            }
        };
    }

    /** The etcd adapter alone over an engine applying synchronously: for adapter-level checks. */
    static Target cachaiAdapter() {
        EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new SyncGateway());
        server.start();
        return new Target() {
            public String endpoint() { return "http://127.0.0.1:" + server.port(); }
            public String name() { return "cachai-adapter"; }
            public void close() { server.close(); }
        };
    }

    /** A real etcd on free loopback ports, or null when the binary is not installed. */
    static Target realEtcd() throws IOException {
        return realEtcd("http", List.of());
    }

    /**
     * A real etcd whose client port speaks {@code scheme} ("https" with TLS flags among
     * {@code extraFlags}), or null when the binary is not installed.
     */
    static Target realEtcd(String scheme, List<String> extraFlags) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/etcd"))) {
            return null;
        }
        for (int attempt = 1; ; attempt++) {
            Target started = tryRealEtcd(scheme, extraFlags);
            if (started != null) {
                return started;
            }
            if (attempt == PORT_ATTEMPTS_MAX) {
                throw new IllegalStateException("etcd found its ports taken " + PORT_ATTEMPTS_MAX + " times");
            }
        }
    }

    /**
     * A free port is free when asked for, not necessarily when etcd binds it moments later (an
     * outgoing connection may take the same number): a start that loses that race is retried on
     * new ports.
     */
    private static final int PORT_ATTEMPTS_MAX = 3;

    /** The started etcd, or null when it exited because a port was taken meanwhile. */
    private static Target tryRealEtcd(String scheme, List<String> extraFlags) throws IOException {
        int client = FreePorts.next();
        int peer = FreePorts.next();
        Path dir = Files.createTempDirectory("etcd-oracle");
        String clientUrl = scheme + "://127.0.0.1:" + client;
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcd", "--name", "a", "--data-dir", dir.toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "a=http://127.0.0.1:" + peer));
        cmd.addAll(extraFlags);
        Path log = dir.resolve("etcd.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> canConnect(client) || !p.isAlive());
        if (!p.isAlive()) {
            String output = Files.readString(log);
            TempDirs.deleteTree(dir);
            if (output.contains("address already in use")) {
                return null;
            }
            throw new IllegalStateException("etcd exited at start: " + output);
        }
        return new Target() {
            public String endpoint() { return clientUrl; }
            public String name() { return "etcd"; }
            public void close() {
                p.destroy();
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                TempDirs.deleteTree(dir);
            }
        };
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
