package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A single-node Cachai server from its shaded jar, serving both protocols on loopback. */
public final class CachaiLauncher implements ServerLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path jar;
    private final String heap;
    private final String name;
    private final List<String> jvmOptions;
    private ManagedProcess process;

    /**
     * {@code name} is {@code cachai}, or {@code baseline} for the other build of an A/B comparison;
     * {@code jvmOptions} go before {@code -jar} ({@code --cachai-jvm-opts}).
     */
    public CachaiLauncher(Path jar, String heap, String name, List<String> jvmOptions) {
        this.jar = jar;
        this.heap = heap;
        this.name = name;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** {@code java -Xmx.. -Xms.. [options] -jar JAR}: the start of every Cachai server command here. */
    static List<String> javaJar(String heap, List<String> jvmOptions, Path jar) {
        List<String> command = new ArrayList<>(List.of(ManagedProcess.javaBinary(), "-Xmx" + heap, "-Xms" + heap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        return command;
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
        List<String> command = javaJar(heap, jvmOptions, jarCopy);
        command.addAll(List.of(
                "--data-dir", dataDir.toString(),
                "--zk-listen", zk,
                "--etcd-listen", etcd,
                "--peer-listen", peer,
                // as the ZooKeeper side runs with maxClientCnxns=0: zk-watch opens one session per watcher
                "--zk-max-client-cnxns", "0",
                "--name", "bench"));
        process = ManagedProcess.start(name(), command, workDir);
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
