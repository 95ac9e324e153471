package dev.cachai.compat.zk;

import dev.cachai.compat.TcpProxy;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session life cycle against Cachai and a real ZooKeeper, both with a short tick: a client cut
 * off by a proxy reconnects and its watches fire for what changed meanwhile (setWatches), or
 * stays away and its session expires. Transcripts must match.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZkSessionDifferentialTest {
    private static final int TICK_TIME_MS = 250;
    /** Sessions meant to expire: 8 ticks. */
    private static final int SESSION_TIMEOUT_MS = 2000;
    /** Sessions that must survive a short disconnection on a loaded machine: the most 20 ticks allow. */
    private static final int LONG_SESSION_TIMEOUT_MS = 5000;
    private static final byte[] NONE = new byte[0];

    private ZkTargets.Target cachai;
    private ZkTargets.Target real;

    @BeforeAll
    void startBoth() throws Exception {
        cachai = ZkTargets.cachai(TICK_TIME_MS);
        real = ZkTargets.realZooKeeper(TICK_TIME_MS);
    }

    @AfterAll
    void stopBoth() {
        cachai.close();
        real.close();
    }

    /** A client behind a proxy (with its session states), another connected directly, and the server's address. */
    record Rig(ZooKeeper zk, ZkClients.States states, TcpProxy proxy, ZooKeeper other, String connectString) {}

    interface Scenario {
        void run(Rig r, ZkDifferentialTest.Transcript t) throws Exception;
    }

    private List<String> run(ZkTargets.Target target, String root, int sessionTimeoutMs, Scenario s) throws Exception {
        ZkClients.States states = new ZkClients.States();
        try (TcpProxy proxy = new TcpProxy(target.connectString());
             ZooKeeper direct = ZkClients.connect(target.connectString(), LONG_SESSION_TIMEOUT_MS, null);
             ZooKeeper viaProxy = ZkClients.connect(proxy.connectString(), sessionTimeoutMs, states)) {
            ZkDifferentialTest.Transcript t = new ZkDifferentialTest.Transcript();
            direct.create(root, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            t.baseline = direct.exists(root, false).getCzxid();
            s.run(new Rig(viaProxy, states, proxy, direct, target.connectString()), t);
            return t.lines;
        }
    }

    private void compare(String root, int sessionTimeoutMs, Scenario s) throws Exception {
        List<String> expected = run(real, root, sessionTimeoutMs, s);
        List<String> actual = run(cachai, root, sessionTimeoutMs, s);
        assertThat(actual).as("cachai vs zookeeper").containsExactlyElementsOf(expected);
    }

    private static void create(ZooKeeper zk, String path, String data) throws Exception {
        zk.create(path, data.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    /** Records events up to and including the one on {@code marker}. */
    private static void recordUntil(BlockingQueue<WatchedEvent> events, String marker, ZkDifferentialTest.Transcript t)
            throws InterruptedException {
        while (true) {
            WatchedEvent e = events.poll(ZkClients.WAIT_S, TimeUnit.SECONDS);
            assertThat(e).as("event before " + marker).isNotNull();
            t.add(e.getType() + " " + e.getPath() + " zxid+" + t.rel(e.getZxid()));
            if (marker.equals(e.getPath())) {
                return;
            }
        }
    }

    @Test
    void watchesSetAgainOnReconnectFireForMissedChanges() throws Exception {
        compare("/rw", LONG_SESSION_TIMEOUT_MS, (r, t) -> {
            ZooKeeper zk = r.zk();
            ZooKeeper other = r.other();
            create(other, "/rw/data", "0");
            create(other, "/rw/same", "0");
            create(other, "/rw/kids", "");
            create(other, "/rw/gone", "");
            create(other, "/rw/p", "");
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            Watcher w = events::add;
            zk.getData("/rw/data", w, null);
            zk.getData("/rw/same", w, null);
            zk.exists("/rw/absent", w);
            zk.exists("/rw/never", w);
            zk.getChildren("/rw/kids", w);
            zk.getData("/rw/gone", w, null);
            zk.addWatch("/rw/p", w, AddWatchMode.PERSISTENT);

            r.proxy().refuse(true);
            r.states().await(Watcher.Event.KeeperState.Disconnected);
            other.setData("/rw/data", "1".getBytes(), -1);
            other.create("/rw/absent", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            other.create("/rw/kids/k", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            other.delete("/rw/gone", -1);
            other.setData("/rw/p", "missed".getBytes(), -1);
            r.proxy().refuse(false);
            r.states().await(Watcher.Event.KeeperState.SyncConnected);

            zk.exists("/rw/end", w);
            other.setData("/rw/p", "seen".getBytes(), -1);
            other.setData("/rw/same", "1".getBytes(), -1);
            create(other, "/rw/end", "");
            recordUntil(events, "/rw/end", t);
        });
    }

    @Test
    void sessionOfAnUnreachableClientExpires() throws Exception {
        compare("/exp", SESSION_TIMEOUT_MS, (r, t) -> {
            ZooKeeper zk = r.zk();
            ZooKeeper other = r.other();
            zk.create("/exp/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            t.attempt("owner is the session", () -> other.exists("/exp/e", events::add).getEphemeralOwner() == zk.getSessionId());
            r.proxy().refuse(true);
            WatchedEvent deleted = events.poll(ZkClients.WAIT_S, TimeUnit.SECONDS);
            t.add("other sees " + (deleted == null ? "nothing" : deleted.getType() + " " + deleted.getPath()));
            t.attempt("gone", () -> other.exists("/exp/e", false));
            r.proxy().refuse(false);
            r.states().await(Watcher.Event.KeeperState.Expired);
            t.add("client expired");
            t.attempt("expired client reads", () -> zk.exists("/exp", false));
            t.attempt("other still works", () -> other.exists("/exp", false));
        });
    }

    @Test
    void sessionClosedByATwinIsExpiredForItsOwner() throws Exception {
        compare("/kill", LONG_SESSION_TIMEOUT_MS, (r, t) -> {
            ZooKeeper zk = r.zk();
            ZooKeeper other = r.other();
            zk.create("/kill/e", NONE, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            r.proxy().refuse(true);
            r.states().await(Watcher.Event.KeeperState.Disconnected);
            // A second client resumes the session with its id and password and closes it.
            try (ZooKeeper twin = ZkClients.connectAs(r.connectString(),
                    LONG_SESSION_TIMEOUT_MS, zk.getSessionId(), zk.getSessionPasswd())) {
                t.attempt("twin sees the ephemeral", () -> twin.exists("/kill/e", false) != null);
            }
            t.attempt("ephemeral gone", () -> other.exists("/kill/e", false));
            r.proxy().refuse(false);
            r.states().await(Watcher.Event.KeeperState.Expired);
            t.add("owner expired");
        });
    }
}
