package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A single-node Cachai server from its shaded jar, serving both protocols on loopback. */
public final class CachaiLauncher implements ServerLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path jar;
    private final String heap;
    private final String name;
    private ManagedProcess process;

    public CachaiLauncher(Path jar, String heap) {
        this(jar, heap, "cachai");
    }

    /** A second Cachai under another name ({@code baseline}): an A/B of two builds in one comparison. */
    public CachaiLauncher(Path jar, String heap, String name) {
        this.jar = jar;
        this.heap = heap;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Files.isRegularFile(jar) ? Optional.empty()
                : Optional.of("cachai jar not found at " + jar.toAbsolutePath()
                        + " (build it: ./mvnw -pl server -am package, or pass --cachai-jar)");
    }

    @Override
    public Endpoints start(Path workDir) throws Exception {
        String zk = "127.0.0.1:" + ManagedProcess.freePort();
        String etcd = "127.0.0.1:" + ManagedProcess.freePort();
        String peer = "127.0.0.1:" + ManagedProcess.freePort();
        Path dataDir = Files.createDirectories(workDir.resolve("cachai-data"));
        // Run a private copy: the jar in server/target may be rebuilt while a long comparison runs.
        Path jarCopy = Files.copy(jar, workDir.resolve("cachai-server.jar"), StandardCopyOption.REPLACE_EXISTING);
        process = ManagedProcess.start(name(), List.of(ManagedProcess.javaBinary(),
                "-Xmx" + heap, "-Xms" + heap,
                "-jar", jarCopy.toAbsolutePath().toString(),
                "--data-dir", dataDir.toString(),
                "--zk-listen", zk,
                "--etcd-listen", etcd,
                "--peer-listen", peer,
                // as the ZooKeeper side runs with maxClientCnxns=0: zk-watch opens one session per watcher
                "--zk-max-client-cnxns", "0",
                "--name", "bench"), workDir);
        process.awaitPort(zk, START_TIMEOUT);
        process.awaitPort(etcd, START_TIMEOUT);
        return new Endpoints(name(), List.of(etcd), List.of(zk));
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
