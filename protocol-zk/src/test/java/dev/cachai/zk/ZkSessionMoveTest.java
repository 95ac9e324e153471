package dev.cachai.zk;

import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.result.SessionResult;
import dev.cachai.engine.testing.SyncGateway;

import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session resumed on another connection leaves the old one: here ZooKeeper closes it; in a
 * quorum, a write through a connection on a member the session left gets no answer and closes it.
 */
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

    /** What a resume on another member records; only the server id of that member matters. */
    private void sessionMovesElsewhere(long sessionId) {
        assertThat(((SessionResult) gateway.propose(new LeaseCommand.SessionOwner(sessionId, 99)).join()).err()).isZero();
    }

    @Test
    void aWriteThroughAConnectionTheSessionLeftGetsNoAnswerAndClosesIt() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(WAIT_S * 1000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            send(out, new ConnectRequest(0, 0, 10_000, 0, new byte[16], false));
            ConnectResponse session = new ConnectResponse();
            session.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(frame(in))), "r");
            send(out, new RequestHeader(1, ZooDefs.OpCode.create),
                    new CreateRequest("/before", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT.toFlag()));
            assertThat(replyHeader(in).getErr()).isZero();

            sessionMovesElsewhere(session.getSessionId());
            send(out, new RequestHeader(2, ZooDefs.OpCode.exists), new ExistsRequest("/before", false));
            ReplyHeader read = replyHeader(in);
            assertThat(read.getXid()).as("reads are still served, as by a ZooKeeper follower").isEqualTo(2);
            assertThat(read.getErr()).isZero();
            send(out, new RequestHeader(3, ZooDefs.OpCode.create),
                    new CreateRequest("/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT.toFlag()));
            assertThat(in.read()).as("no reply (ZooKeeper 3.9 sends none), then the server closes").isEqualTo(-1);
        }
        assertThat(gateway.engine().zkNode("/before")).isNotNull();
        assertThat(gateway.engine().zkNode("/after")).as("the stale write was not applied").isNull();
    }

    @Test
    void theJavaClientSeesAConnectionLossThenItsReconnectTakesTheSessionBack() throws Exception {
        BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 10_000, e -> states.add(e.getState()));
        try {
            assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            zk.create("/mine", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            sessionMovesElsewhere(zk.getSessionId());
            assertThatThrownBy(() -> zk.setData("/mine", "x".getBytes(), -1))
                    .isInstanceOf(KeeperException.ConnectionLossException.class);
            assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
            assertThat(next(states)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
            assertThat(gateway.engine().lease(zk.getSessionId()).owner()).as("resuming here moved it back")
                    .isEqualTo((int) ZkServerConfig.defaults().serverId());
            assertThat(zk.setData("/mine", "x".getBytes(), -1).getVersion()).isEqualTo(1);
        } finally {
            zk.close();
        }
    }

    private static void send(OutputStream out, Record... records) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive archive = BinaryOutputArchive.getArchive(bytes);
        for (Record r : records) {
            r.serialize(archive, "r");
        }
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(bytes.size());
        bytes.writeTo(d);
        d.flush();
    }

    private static byte[] frame(DataInputStream in) throws Exception {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    private static ReplyHeader replyHeader(DataInputStream in) throws Exception {
        ReplyHeader h = new ReplyHeader();
        h.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(frame(in))), "h");
        return h;
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
