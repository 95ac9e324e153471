package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A single-node etcd (Debian's etcd-server) on loopback; etcd fsyncs its WAL by default. */
public final class EtcdLauncher implements ServerLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private ManagedProcess process;

    public EtcdLauncher(Path binary) {
        this.binary = binary;
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Files.isExecutable(binary) ? Optional.empty()
                : Optional.of("etcd not found at " + binary + " (apt-get install -y etcd-server etcd-client)");
    }

    @Override
    public Endpoints start(Path workDir) throws Exception {
        String client = "127.0.0.1:" + ManagedProcess.freePort();
        String peer = "http://127.0.0.1:" + ManagedProcess.freePort();
        process = ManagedProcess.start(name(), List.of(binary.toString(),
                "--name", "a",
                "--data-dir", workDir.resolve("etcd-data").toString(),
                "--listen-client-urls", "http://" + client,
                "--advertise-client-urls", "http://" + client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "a=" + peer), workDir);
        process.awaitPort(client, START_TIMEOUT);
        return new Endpoints(name(), List.of(client), List.of());
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }
}
