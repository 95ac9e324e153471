package dev.cachai.server.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.HostProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ZooKeeper sessions in a cluster: a session lives on whichever member its client reaches, and
 * only the leader, which hears every member's renewals, decides that it expired.
 */
class ClusterZkSessionTest {
    private static final int SESSION_TIMEOUT_MS = 4_000; // the minimum: 2 ticks of 2 s
    private static final int WAIT_S = 30;

    /** Serves the given addresses in order, then repeats the last one. */
    private static final class Route implements HostProvider {
        private final List<InetSocketAddress> hops;
        private final AtomicInteger next = new AtomicInteger();

        Route(InetSocketAddress... hops) {
            this.hops = List.of(hops);
        }

        @Override public int size() { return 1; }
        @Override public InetSocketAddress next(long spinDelay) {
            return hops.get(Math.min(next.getAndIncrement(), hops.size() - 1));
        }
        @Override public void onConnected() {}
        @Override public boolean updateServerList(Collection<InetSocketAddress> s, InetSocketAddress c) { return false; }
    }

    private static InetSocketAddress zk(InProcessCluster cluster, int node) {
        return new InetSocketAddress("127.0.0.1", cluster.node(node).zkPort());
    }

    private static boolean nodePresent(InProcessCluster cluster, int node, String path) {
        return cluster.node(node).gateway().engine().zkNode(path) != null;
    }

    private static Watcher.Event.KeeperState next(BlockingQueue<Watcher.Event.KeeperState> states) throws Exception {
        Watcher.Event.KeeperState s = states.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(s).as("a session state within " + WAIT_S + " s").isNotNull();
        return s;
    }

    @Test
    void aSessionMovesBetweenMembersAndOnlyTheLeaderExpiresIt(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, ClusterLimits.DEFAULTS).startAll()) {
            int leader = cluster.awaitLeader();
            int follower = (leader + 1) % 3;
            int observer = (leader + 2) % 3;
            // A closed port last: once the client leaves the follower it can reach no member.
            InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", 1);
            BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
            ZooKeeper zk = new ZooKeeper("cluster", SESSION_TIMEOUT_MS, e -> states.add(e.getState()), false,
                    new Route(zk(cluster, leader), zk(cluster, follower), nowhere));
            try {
                assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
                zk.create("/held", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

                zk.getTestable().closeSocket(); // the client moves to the follower, session and all
                assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
                assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2L * SESSION_TIMEOUT_MS);
                await().atMost(Duration.ofSeconds(WAIT_S)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    assertThat(zk.exists("/held", false)).as("the session outlives the leader's old connection")
                            .isNotNull();
                    return System.nanoTime() > until;
                });
                assertThat(nodePresent(cluster, observer, "/held")).isTrue();

                zk.getTestable().closeSocket(); // now silent everywhere: the leader must expire it
                await().atMost(Duration.ofSeconds(WAIT_S)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !nodePresent(cluster, observer, "/held") && !nodePresent(cluster, leader, "/held"));
            } finally {
                zk.close();
            }
        }
    }
}
