package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real ZooKeeper ensemble: one QuorumPeerMain JVM per member, run from this benchmark's class
 * path, quorum and election ports on loopback, fsync of the transaction log on.
 */
public final class ZooKeeperEnsembleLauncher implements ClusterLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    private final String heap;
    private final int size;
    private final Members members = new Members();
    private List<String> clientEndpoints = List.of();

    public ZooKeeperEnsembleLauncher(String heap, int size) {
        this.heap = heap;
        this.size = size;
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public Optional<String> unavailableReason() {
        return ZooKeeperLauncher.classesMissing(MAIN);
    }

    @Override
    public Endpoints start(Path workDir) throws Exception {
        List<Integer> clientPorts = Members.freePorts(size);
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            servers.add("server." + i + "=127.0.0.1:" + ManagedProcess.freePort() + ":" + ManagedProcess.freePort());
        }
        List<String> clients = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            Path dir = Files.createDirectories(workDir.resolve("zk" + i));
            Path config = writeConfig(dir, i, clientPorts.get(i - 1), servers);
            members.add(ManagedProcess.start(name() + "-" + i, List.of(ManagedProcess.javaBinary(),
                    "-Xmx" + heap, "-Xms" + heap, "-Dzookeeper.forceSync=yes",
                    "-cp", ZooKeeperLauncher.absoluteClassPath(), MAIN, config.toString()), dir));
            clients.add("127.0.0.1:" + clientPorts.get(i - 1));
        }
        members.awaitPorts(clients, START_TIMEOUT);
        clientEndpoints = clients;
        return new Endpoints(name(), List.of(), clients);
    }

    private static Path writeConfig(Path dir, int myId, int clientPort, List<String> servers) throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Files.writeString(dataDir.resolve("myid"), myId + "\n");
        List<String> lines = new ArrayList<>(List.of(
                "tickTime=2000", "initLimit=10", "syncLimit=5",
                "dataDir=" + dataDir,
                "clientPort=" + clientPort,
                "clientPortAddress=127.0.0.1",
                "admin.enableServer=false",
                // The watch workload opens one session per watcher (128+), above the default of 60.
                "maxClientCnxns=0",
                "forceSync=yes",
                "4lw.commands.whitelist=srvr,mntr,ruok"));
        lines.addAll(servers);
        Path config = dir.resolve("zoo.cfg");
        Files.writeString(config, String.join("\n", lines) + "\n");
        return config;
    }

    /** The member whose srvr answer says "Mode: leader", or -1. */
    @Override
    public int leaderIndex() throws Exception {
        for (int i = 0; i < clientEndpoints.size(); i++) {
            if (FourLetterWords.ask(clientEndpoints.get(i), "srvr").contains("Mode: leader")) {
                return i;
            }
        }
        return -1;
    }

    /** ZooKeeper has no leader transfer: its leader stays where its election put it. */
    @Override
    public boolean canMoveLeader() {
        return false;
    }

    @Override
    public void moveLeader(int member) {
        throw new IllegalStateException("ZooKeeper has no leader transfer");
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
