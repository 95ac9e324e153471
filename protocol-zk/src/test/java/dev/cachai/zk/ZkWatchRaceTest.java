package dev.cachai.zk;

import dev.cachai.engine.testing.SyncGateway;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A watch set by a read while another client writes without pause must fire for the next change:
 * the client registers it only when the read's reply arrives, so the server must neither fire it
 * for a change the reply already shows nor send its event ahead of that reply.
 */
class ZkWatchRaceTest {
    private static final int WAIT_S = 10;
    private static final int ROUNDS = 200;
    private static final int SLOW_READ_CHILDREN = 2000;

    private ZkServer server;
    private ZooKeeper reader;
    private ZooKeeper writer;

    @BeforeEach
    void start() throws Exception {
        server = new ZkServer(ZkServerConfig.defaults(), SyncGateway.withoutLeaseKeeper());
        server.start();
        reader = connect();
        writer = connect();
    }

    @AfterEach
    void stop() throws Exception {
        reader.close();
        writer.close();
        server.close();
    }

    private ZooKeeper connect() throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    @Test
    void everyWatchSetUnderConcurrentWritesFires() throws Exception {
        reader.create("/hot", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        // Many children make each read slow enough that commits keep landing during it.
        for (int i = 0; i < SLOW_READ_CHILDREN; i++) {
            writer.create("/hot/k" + i, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, path, ctx, name) -> { }, null);
        }
        writer.sync("/hot");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread w = new Thread(() -> {
            while (writing.get()) {
                writer.setData("/hot", null, -1, (rc, path, ctx, stat) -> { }, null);
                // a child comes and goes, so the child list stays small
                writer.create("/hot/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL,
                        (rc, path, ctx, name) -> { }, null);
                writer.delete("/hot/c", -1, (rc, path, ctx) -> { }, null);
                try {
                    writer.sync("/hot");
                } catch (Exception e) {
                    return;
                }
            }
        }, "writer");
        w.start();
        try {
            BlockingQueue<WatchedEvent> data = new LinkedBlockingQueue<>();
            BlockingQueue<WatchedEvent> children = new LinkedBlockingQueue<>();
            for (int round = 0; round < ROUNDS; round++) {
                reader.getData("/hot", data::add, null);
                reader.getChildren("/hot", children::add);
                assertThat(data.poll(WAIT_S, TimeUnit.SECONDS)).as("data watch of round " + round).isNotNull();
                WatchedEvent ce = children.poll(WAIT_S, TimeUnit.SECONDS);
                assertThat(ce).as("child watch of round " + round).isNotNull();
            }
        } finally {
            writing.set(false);
            w.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
    }

    /** ZooKeeper sends the events a write fires before the write's reply, also to the writer itself. */
    @Test
    void eventsOfOwnWriteArriveBeforeItsReply() throws Exception {
        reader.create("/own", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        BlockingQueue<String> order = new LinkedBlockingQueue<>();
        for (int round = 0; round < ROUNDS; round++) {
            reader.getData("/own", e -> order.add("event"), null);
            reader.setData("/own", null, -1, (rc, path, ctx, stat) -> order.add("reply"), null);
            assertThat(order.poll(WAIT_S, TimeUnit.SECONDS)).as("first of round " + round).isEqualTo("event");
            assertThat(order.poll(WAIT_S, TimeUnit.SECONDS)).as("second of round " + round).isEqualTo("reply");
        }
    }
}
