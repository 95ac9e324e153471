package dev.cachai.migration;

import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** The servers the tests run: a real ZooKeeper 3.9.5 in-process, a real etcd as a process, Cachai in-process. */
final class Servers {
    private Servers() {}

    static final Path ETCD_BINARY = Path.of("/usr/bin/etcd");
    static final Path ETCDCTL_BINARY = Path.of("/usr/bin/etcdctl");

    /** {@code etcdctl snapshot save}: what an operator runs to take a snapshot of a live etcd. */
    static void etcdSnapshot(String hostPort, Path file) throws IOException, InterruptedException {
        etcdctl("--endpoints=" + hostPort, "snapshot", "save", file.toString());
    }

    /** Runs etcdctl (API v3) and returns what it printed; fails the test when it fails. */
    static String etcdctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ETCDCTL_BINARY.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    static int freePort() {
        return dev.cachai.netty.FreeLoopbackPorts.next();
    }

    interface Running extends AutoCloseable {
        String hostPort();

        @Override
        void close();
    }

    static Running zooKeeper(Path dir) throws Exception {
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.admin.enableServer", "false");
        ZooKeeperServer zks = new ZooKeeperServer(dir.toFile(), dir.toFile(), 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory();
        factory.configure(new InetSocketAddress("127.0.0.1", freePort()), 100);
        factory.startup(zks);
        return new Running() {
            public String hostPort() { return "127.0.0.1:" + factory.getLocalPort(); }
            public void close() {
                factory.shutdown();
                zks.shutdown();
            }
        };
    }

    static Running etcd(Path dir) throws IOException {
        return etcd(dir, freePort(), freePort());
    }

    /**
     * etcd member "a" on {@code dir}/etcd, which may hold a restored snapshot (restored with the
     * same name and peer URL).
     */
    static Running etcd(Path dir, int client, int peer) throws IOException {
        Process p = new ProcessBuilder(ETCD_BINARY.toString(), "--name", "a", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client, "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "a=http://127.0.0.1:" + peer)
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> canConnect(client));
        return new Running() {
            public String hostPort() { return "127.0.0.1:" + client; }
            public void close() {
                p.destroy();
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    static CachaiServer cachai(Path dir) throws IOException {
        return CachaiServer.start(ServerConfig.ephemeral(Files.createDirectories(dir)));
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
