package dev.cachai.compat.zk;

import dev.cachai.compat.FreePorts;
import dev.cachai.compat.TempDirs;
import dev.cachai.server.CachaiServer;
import dev.cachai.zk.DigestAuth;
import dev.cachai.server.config.ServerConfig;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/** The servers a ZooKeeper compatibility test runs against: Cachai and a real ZooKeeper 3.9.5 (the oracle). */
final class ZkTargets {
    /** Credentials of the super user both servers are configured with. */
    static final String SUPER_CREDENTIALS = "super:superpw";
    static final int TICK_TIME_MS_DEFAULT = 2000;
    private static final int PROCESS_START_S_MAX = 30;
    private static final String SUPER_DIGEST = DigestAuth.idFor(SUPER_CREDENTIALS);

    static {
        // ZooKeeper reads these once, when its classes load: set before any server starts.
        System.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", SUPER_DIGEST);
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("zookeeper.admin.enableServer", "false");
    }

    private ZkTargets() {}

    interface Target extends AutoCloseable {
        String connectString();

        String name();

        @Override
        void close();
    }

    static Target cachai() throws Exception {
        return cachai(TICK_TIME_MS_DEFAULT);
    }

    static Target cachai(int tickTimeMs) throws Exception {
        return cachai(tickTimeMs, c -> c);
    }

    /** Cachai configured as the real servers are, then as {@code adjust} says. */
    static Target cachai(int tickTimeMs, UnaryOperator<ServerConfig> adjust) throws Exception {
        Path dir = Files.createTempDirectory("cachai-zk");
        ServerConfig d = ServerConfig.ephemeral(dir);
        ServerConfig config = adjust.apply(new ServerConfig(d.name(), dir, d.zkListen(), d.etcdListen(), d.peerListen(),
                tickTimeMs, d.etcdVersion(), true, SUPER_DIGEST, "*", d.initialCluster()));
        CachaiServer server = CachaiServer.start(config);
        return new Target() {
            public String connectString() {
                return "127.0.0.1:" + server.zkPort();
            }

            public String name() {
                return "cachai";
            }

            public void close() {
                server.close();
                TempDirs.deleteTree(dir);
            }
        };
    }

    static Target realZooKeeper() throws Exception {
        return realZooKeeper(TICK_TIME_MS_DEFAULT);
    }

    /**
     * A real ZooKeeper in its own JVM, for settings ZooKeeper reads once per JVM (such as
     * {@code zookeeper.enforceQuota}) that the in-process server of the other suites must not get.
     */
    static Target realZooKeeperProcess(Map<String, String> systemProperties) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Target started = tryRealZooKeeperProcess(systemProperties);
            if (started != null) {
                return started;
            }
            if (attempt == PORT_ATTEMPTS_MAX) {
                throw new IllegalStateException("ZooKeeper found its port taken " + PORT_ATTEMPTS_MAX + " times");
            }
        }
    }

    /**
     * A free port is free when asked for, not necessarily when ZooKeeper binds it moments later
     * (an outgoing connection may take the same number): a start that loses that race is retried.
     */
    private static final int PORT_ATTEMPTS_MAX = 3;

    /** The started ZooKeeper, or null when it exited because its port was taken meanwhile. */
    private static Target tryRealZooKeeperProcess(Map<String, String> systemProperties) throws Exception {
        Path dir = Files.createTempDirectory("real-zk-process");
        int port = FreePorts.next();
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=" + TICK_TIME_MS_DEFAULT + "\ndataDir=" + dir.resolve("data")
                + "\nclientPort=" + port + "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dzookeeper.DigestAuthenticationProvider.superDigest=" + SUPER_DIGEST,
                "-Dzookeeper.extendedTypesEnabled=true", "-Dzookeeper.4lw.commands.whitelist=*"));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("org.apache.zookeeper.server.ZooKeeperServerMain", cfg.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("zookeeper.log").toFile()).start();
        String connectString = "127.0.0.1:" + port;
        try {
            await().atMost(Duration.ofSeconds(PROCESS_START_S_MAX)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> !process.isAlive()
                            || RawZk.fourLetterWord(connectString, "ruok").equals("imok"));
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException("ZooKeeper did not start; see " + dir.resolve("zookeeper.log"), e);
        }
        if (!process.isAlive()) {
            String output = Files.readString(dir.resolve("zookeeper.log"));
            if (output.contains("Address already in use")) {
                return null;
            }
            throw new IllegalStateException("ZooKeeper exited at start: " + output);
        }
        return new Target() {
            public String connectString() {
                return connectString;
            }

            public String name() {
                return "zookeeper process";
            }

            public void close() {
                process.destroy();
                try {
                    if (!process.waitFor(PROCESS_START_S_MAX, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
                TempDirs.deleteTree(dir);
            }
        };
    }

    static Target realZooKeeper(int tickTimeMs) throws Exception {
        Path dir = Files.createTempDirectory("real-zk");
        ZooKeeperServer zks = new ZooKeeperServer(dir.toFile(), dir.toFile(), tickTimeMs);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory();
        // Port 0: the kernel picks a free port at bind time, so no other socket can take it first.
        factory.configure(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(zks);
        return new Target() {
            public String connectString() {
                return "127.0.0.1:" + factory.getLocalPort();
            }

            public String name() {
                return "zookeeper";
            }

            public void close() {
                factory.shutdown();
                zks.shutdown();
                TempDirs.deleteTree(dir);
            }
        };
    }
}
