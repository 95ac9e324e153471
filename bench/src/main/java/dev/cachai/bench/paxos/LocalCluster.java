package dev.cachai.bench.paxos;

import dev.cachai.engine.CommandGateway;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.cluster.ClusterLimits;
import dev.cachai.server.cluster.ClusterView;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster nodes in this JVM: each a whole {@link CachaiServer} (ClusterDriver, PeerTransport over
 * loopback TCP, a fsyncing WAL in its own data dir), so the benchmark measures the real path.
 */
final class LocalCluster implements AutoCloseable {
    private static final long LEADER_WAIT_MS_MAX = 20_000;
    private static final long LEADER_POLL_MS = 20;

    private final List<CachaiServer> nodes = new ArrayList<>();

    private LocalCluster() {}

    static LocalCluster start(Path root, int size) {
        List<Integer> peerPorts = new ArrayList<>();
        StringBuilder list = new StringBuilder();
        for (int i = 1; i <= size; i++) {
            int port = freePort();
            peerPorts.add(port);
            list.append(i == 1 ? "" : ",").append("n").append(i).append("=127.0.0.1:").append(port);
        }
        InitialCluster members = InitialCluster.parse(list.toString(), "new");
        LocalCluster cluster = new LocalCluster();
        for (int i = 1; i <= size; i++) {
            ServerConfig base = ServerConfig.ephemeral(root.resolve("n" + i));
            ServerConfig config = new ServerConfig("n" + i, base.dataDir(), base.zkListen(), base.etcdListen(),
                    new HostPort("127.0.0.1", peerPorts.get(i - 1)), base.zkTickTimeMs(), base.etcdVersion(),
                    base.zkExtendedTypes(), base.zkSuperDigest(), base.zk4lwWhitelist(), members);
            cluster.nodes.add(CachaiServer.start(config, ClusterLimits.DEFAULTS));
        }
        return cluster;
    }

    /** The gateway of the node all members agree leads; proposals there skip the forwarding hop. */
    CommandGateway awaitLeader() throws InterruptedException {
        long deadline = System.currentTimeMillis() + LEADER_WAIT_MS_MAX;
        while (System.currentTimeMillis() < deadline) {
            int leader = agreedLeader();
            for (CachaiServer node : nodes) {
                if (leader != 0 && view(node).localId() == leader) {
                    return node.gateway();
                }
            }
            Thread.sleep(LEADER_POLL_MS);
        }
        throw new IllegalStateException("no leader within " + LEADER_WAIT_MS_MAX + " ms");
    }

    /** A node that does not lead: its proposals are forwarded, and it completes them when it applies. */
    CommandGateway follower() throws InterruptedException {
        CommandGateway leader = awaitLeader();
        for (CachaiServer node : nodes) {
            if (node.gateway() != leader) {
                return node.gateway();
            }
        }
        throw new IllegalStateException("a single node has no follower");
    }

    private int agreedLeader() {
        int leader = 0;
        for (CachaiServer node : nodes) {
            int seen = view(node).leaderId();
            if (seen == 0 || leader != 0 && seen != leader) {
                return 0;
            }
            leader = seen;
        }
        return leader;
    }

    private static ClusterView view(CachaiServer node) {
        return node.cluster().orElseThrow();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(CachaiServer::close);
    }
}
