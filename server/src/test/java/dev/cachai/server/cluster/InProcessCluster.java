package dev.cachai.server.cluster;

import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;
import dev.cachai.server.storage.DataDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/** Several nodes in this JVM, each with its own data dir and loopback ports. */
final class InProcessCluster implements AutoCloseable {
    private final List<ServerConfig> configs = new ArrayList<>();
    private final CachaiServer[] nodes;
    private final ClusterLimits limits;

    InProcessCluster(Path root, int size, ClusterLimits limits) {
        this(root, size, limits, UnaryOperator.identity());
    }

    /** @param each changes every node's settings (TLS between members, for one) */
    InProcessCluster(Path root, int size, ClusterLimits limits, UnaryOperator<ServerConfig> each) {
        this.limits = limits;
        StringBuilder list = new StringBuilder();
        List<Integer> peerPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int port = freePort();
            peerPorts.add(port);
            list.append(i == 0 ? "" : ",").append("n").append(i).append("=127.0.0.1:").append(port);
        }
        InitialCluster cluster = InitialCluster.parse(list.toString(), "new");
        for (int i = 0; i < size; i++) {
            ServerConfig base = ServerConfig.ephemeral(root.resolve("n" + i));
            configs.add(each.apply(new ServerConfig("n" + i, base.dataDir(), base.zkListen(), base.etcdListen(),
                    new HostPort("127.0.0.1", peerPorts.get(i)), base.zkTickTimeMs(), base.etcdVersion(),
                    base.zkExtendedTypes(), base.zkSuperDigest(), base.zk4lwWhitelist(), cluster)));
        }
        nodes = new CachaiServer[size];
    }

    InProcessCluster startAll() {
        for (int i = 0; i < nodes.length; i++) {
            start(i);
        }
        return this;
    }

    CachaiServer start(int i) {
        nodes[i] = CachaiServer.start(configs.get(i), limits);
        return nodes[i];
    }

    void stop(int i) {
        nodes[i].close();
        nodes[i] = null;
    }

    CachaiServer node(int i) {
        return nodes[i];
    }

    /** The log index of node {@code i}'s newest snapshot file, if it has written one. */
    Optional<Long> newestSnapshotIndex(int i) {
        return DataDir.newestSnapshotIndex(configs.get(i).dataDir());
    }

    ClusterView view(int i) {
        return nodes[i].cluster().orElseThrow();
    }

    /** Cuts a node off from every other node both ways (or heals it), through their transports. */
    void isolate(int node, boolean cut) {
        Set<Integer> others = new HashSet<>();
        for (int i = 0; i < nodes.length; i++) {
            if (i != node && nodes[i] != null) {
                others.add(view(i).localId());
                ((ClusterDriver) view(i)).transport().cutOff(cut ? Set.of(view(node).localId()) : Set.of());
            }
        }
        ((ClusterDriver) view(node)).transport().cutOff(cut ? others : Set.of());
    }

    /** The index of the node every running node agrees leads. */
    int awaitLeader() {
        int[] leader = {-1};
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
            Optional<Integer> agreed = agreedLeader();
            agreed.ifPresent(l -> leader[0] = l);
            return agreed.isPresent();
        });
        return leader[0];
    }

    private Optional<Integer> agreedLeader() {
        int leaderId = 0;
        for (CachaiServer n : nodes) {
            if (n == null) {
                continue;
            }
            int seen = n.cluster().orElseThrow().leaderId();
            if (seen == 0 || leaderId != 0 && seen != leaderId) {
                return Optional.empty();
            }
            leaderId = seen;
        }
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null && view(i).localId() == leaderId) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private static int freePort() {
        return dev.cachai.netty.FreeLoopbackPorts.next();
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                stop(i);
            }
        }
    }
}
