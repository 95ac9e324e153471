package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A real etcd cluster: one etcd process per member on loopback (etcd fsyncs its WAL by default). */
public final class EtcdClusterLauncher implements ClusterLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;
    private final int size;
    private final Members members = new Members();
    private List<String> clients = List.of();

    public EtcdClusterLauncher(Path binary, int size) {
        this.binary = binary;
        this.size = size;
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Files.isExecutable(binary) ? Optional.empty() : Optional.of("etcd not found at " + binary);
    }

    @Override
    public Endpoints start(Path workDir) throws Exception {
        List<String> peers = new ArrayList<>();
        List<String> clientList = new ArrayList<>();
        StringBuilder cluster = new StringBuilder();
        for (int i = 0; i < size; i++) {
            peers.add("http://127.0.0.1:" + ManagedProcess.freePort());
            clientList.add("127.0.0.1:" + ManagedProcess.freePort());
            cluster.append(i == 0 ? "" : ",").append("e").append(i + 1).append('=').append(peers.get(i));
        }
        for (int i = 0; i < size; i++) {
            Path dir = Files.createDirectories(workDir.resolve("e" + (i + 1)));
            members.add(ManagedProcess.start(name() + "-e" + (i + 1), List.of(binary.toString(),
                    "--name", "e" + (i + 1), "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", "http://" + clientList.get(i),
                    "--advertise-client-urls", "http://" + clientList.get(i),
                    "--listen-peer-urls", peers.get(i), "--initial-advertise-peer-urls", peers.get(i),
                    "--initial-cluster", cluster.toString(), "--initial-cluster-state", "new",
                    "--initial-cluster-token", "bench-" + workDir.getFileName()), dir));
        }
        members.awaitPorts(clientList, START_TIMEOUT);
        clients = clientList;
        EtcdStatus.awaitLeader(clients, START_TIMEOUT);
        return new Endpoints(name(), clientList, List.of());
    }

    @Override
    public int leaderIndex() throws Exception {
        return EtcdStatus.selfLeadingIndex(clients);
    }

    @Override
    public boolean canMoveLeader() {
        return true;
    }

    @Override
    public void moveLeader(int member) throws Exception {
        EtcdStatus.moveLeader(clients, leaderIndex(), member);
    }

    @Override
    public void kill(int member) throws InterruptedException {
        members.kill(member);
    }

    @Override
    public void close() {
        members.close();
    }
}
