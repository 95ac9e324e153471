package dev.cachai.zk;

import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.testing.SyncGateway;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A session resumed on another connection leaves the old one (ZooKeeper closes it, SESSIONMOVED in a quorum). */
class ZkSessionMoveTest {
    private static final int WAIT_S = 10;
    private ZkServer server;
    private SyncGateway gateway;

    @BeforeEach
    void start() {
        gateway = SyncGateway.withoutLeaseKeeper();
        server = new ZkServer(ZkServerConfig.defaults(), gateway);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Watcher.Event.KeeperState next(BlockingQueue<Watcher.Event.KeeperState> states) throws Exception {
        Watcher.Event.KeeperState s = states.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(s).as("a session state within " + WAIT_S + " s").isNotNull();
        return s;
    }

    @Test
    void resumingASessionClosesItsOldConnection() throws Exception {
        String address = "127.0.0.1:" + server.port();
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper first = new ZooKeeper(address, 10_000, e -> states.add(e.getState()));
        try {
            assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            first.create("/mine", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            BlockingQueue<Watcher.Event.KeeperState> twinStates = new LinkedBlockingQueue<>();
            ZooKeeper twin = new ZooKeeper(address, 10_000, e -> twinStates.add(e.getState()),
                    first.getSessionId(), first.getSessionPasswd());
            assertThat(next(twinStates)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            assertThat(next(states)).as("the old connection is closed").isEqualTo(Watcher.Event.KeeperState.Disconnected);
            assertThat(twin.exists("/mine", false).getEphemeralOwner()).isEqualTo(first.getSessionId());
            twin.close(); // closes the shared session
            Watcher.Event.KeeperState s;
            do {
                s = next(states);
            } while (s != Watcher.Event.KeeperState.Expired);
        } finally {
            first.close();
        }
    }

    @Test
    void sessionExpiredByTheLeaseKeeperEndsItsConnectionHere() throws Exception {
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 10_000, e -> states.add(e.getState()));
        try {
            assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            zk.create("/held", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            // What the server's leader proposes when the session's deadline passes there.
            gateway.propose(new LeaseCommand.SessionClose(zk.getSessionId(), true)).join();
            assertThat(gateway.engine().zkNode("/held")).as("ephemerals go with the session").isNull();
            assertThat(next(states)).as("the connection is closed").isEqualTo(Watcher.Event.KeeperState.Disconnected);
            assertThat(next(states)).as("reconnecting hears the verdict").isEqualTo(Watcher.Event.KeeperState.Expired);
        } finally {
            zk.close();
        }
    }
}
