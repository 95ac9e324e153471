package dev.cachai.server.cluster;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

    /**
     * ZooKeeper's session move: once the session is resumed on another member, a write through
     * the connection left behind gets no answer and that connection closes (its client reports
     * a connection loss, as ZooKeeper 3.9's does); the write is not applied.
     */
    @Test
    void aWriteThroughTheMemberASessionLeftIsRefusedAndClosesThatConnection(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, ClusterLimits.DEFAULTS).startAll()) {
            int leader = cluster.awaitLeader();
            int a = (leader + 1) % 3;
            int b = (leader + 2) % 3;
            BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
            ZooKeeper old = new ZooKeeper("cluster", SESSION_TIMEOUT_MS, e -> states.add(e.getState()), false,
                    new Route(zk(cluster, a)));
            BlockingQueue<Watcher.Event.KeeperState> twinStates = new LinkedBlockingQueue<>();
            ZooKeeper twin = null;
            try {
                assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
                old.create("/owned", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                twin = new ZooKeeper("cluster", SESSION_TIMEOUT_MS, e -> twinStates.add(e.getState()),
                        old.getSessionId(), old.getSessionPasswd(), false, new Route(zk(cluster, b)));
                assertThat(next(twinStates)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
                assertThat(old.exists("/owned", false)).as("reads are still served there").isNotNull();

                assertThatThrownBy(() -> old.create("/stale", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                        .isInstanceOf(KeeperException.ConnectionLossException.class);
                assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
                twin.create("/fresh", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                for (int node = 0; node < 3; node++) {
                    int n = node;
                    await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> nodePresent(cluster, n, "/fresh"));
                    assertThat(nodePresent(cluster, n, "/stale")).as("the stale write on node " + n).isFalse();
                    assertThat(nodePresent(cluster, n, "/owned")).as("the session lives on").isTrue();
                }

                // The old client reconnects to its member, which takes the session back in turn.
                assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
                ZooKeeper left = twin;
                assertThatThrownBy(() -> left.setData("/fresh", new byte[1], -1))
                        .isInstanceOf(KeeperException.ConnectionLossException.class);
                assertThat(old.setData("/fresh", new byte[1], -1).getVersion()).isEqualTo(1);
            } finally {
                if (twin != null) {
                    twin.close();
                }
                old.close();
            }
        }
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
