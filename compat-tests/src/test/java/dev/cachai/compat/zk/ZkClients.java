package dev.cachai.compat.zk;

import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Connecting ZooKeeper clients and waiting for their state changes, with bounded waits. */
final class ZkClients {
    static final int WAIT_S = 10;

    private ZkClients() {}

    static ZooKeeper connect(String connectString, int sessionTimeoutMs, Watcher also) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeoutMs, e -> {
            if (e.getType() == Watcher.Event.EventType.None && e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
            if (also != null) {
                also.process(e);
            }
        });
        assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).as("connected to " + connectString).isTrue();
        return zk;
    }

    /** A client resuming an existing session. */
    static ZooKeeper connectAs(String connectString, int sessionTimeoutMs, long sessionId, byte[] password)
            throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, sessionTimeoutMs, e -> {
            if (e.getType() == Watcher.Event.EventType.None && e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        }, sessionId, password);
        assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).as("resumed session on " + connectString).isTrue();
        return zk;
    }

    /** Session state changes of one client, in order. */
    static final class States implements Watcher {
        private final BlockingQueue<Event.KeeperState> states = new LinkedBlockingQueue<>();

        @Override
        public void process(WatchedEvent e) {
            if (e.getType() == Event.EventType.None) {
                states.add(e.getState());
            }
        }

        /** Waits for {@code wanted}, skipping other states on the way. */
        void await(Event.KeeperState wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (true) {
                long left = deadline - System.nanoTime();
                Event.KeeperState s = states.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                assertThat(s).as("state " + wanted + " within " + WAIT_S + " s").isNotNull();
                if (s == wanted) {
                    return;
                }
            }
        }
    }
}
