package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A standalone ZooKeeper 3.9.5 in its own JVM, run from this benchmark's classpath (the shaded
 * jar carries the server and its runtime dependencies), with fsync of the transaction log on.
 */
public final class ZooKeeperLauncher implements ServerLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain";

    private final String heap;
    private ManagedProcess process;

    public ZooKeeperLauncher(String heap) {
        this.heap = heap;
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public Optional<String> unavailableReason() {
        return classesMissing(MAIN);
    }

    /** Why a ZooKeeper server with this main class cannot start here, if it cannot. */
    static Optional<String> classesMissing(String mainClass) {
        try {
            Class.forName(mainClass, false, ZooKeeperLauncher.class.getClassLoader());
            return Optional.empty();
        } catch (ClassNotFoundException e) {
            return Optional.of("ZooKeeper server classes not on the classpath");
        }
    }

    @Override
    public Endpoints start(Path workDir) throws Exception {
        int port = ManagedProcess.freePort();
        Path config = writeConfig(workDir, port);
        process = ManagedProcess.start(name(), List.of(ManagedProcess.javaBinary(),
                "-Xmx" + heap, "-Xms" + heap,
                "-Dzookeeper.forceSync=yes",
                "-cp", absoluteClassPath(),
                MAIN, config.toString()), workDir);
        String client = "127.0.0.1:" + port;
        process.awaitPort(client, START_TIMEOUT);
        return new Endpoints(name(), List.of(), List.of(client));
    }

    /** The child runs in its own work directory, so relative class path entries must be resolved here. */
    static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static Path writeConfig(Path workDir, int port) throws Exception {
        Path dataDir = Files.createDirectories(workDir.resolve("zk-data"));
        Path config = workDir.resolve("zoo.cfg");
        Files.writeString(config, String.join("\n",
                "tickTime=2000",
                "dataDir=" + dataDir,
                "clientPort=" + port,
                "clientPortAddress=127.0.0.1",
                "admin.enableServer=false",
                // The watch workload opens one session per watcher (128+), above the default of 60.
                "maxClientCnxns=0",
                "forceSync=yes",
                "4lw.commands.whitelist=srvr,mntr,ruok",
                ""));
        return config;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
