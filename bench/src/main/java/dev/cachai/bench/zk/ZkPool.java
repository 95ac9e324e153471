package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A fixed set of ZooKeeper sessions; logical client i uses session i % size. */
final class ZkPool implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 30_000;
    /** Generous: a server that replicates session creation may take seconds for 128 sessions. */
    static final long CONNECT_SECONDS_MAX = 45;

    private final List<ZooKeeper> sessions = new ArrayList<>();

    ZkPool(Endpoints target, int connections) throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            sessions.add(new ZooKeeper(target.zkConnectString(), SESSION_TIMEOUT_MS, event -> {
                if (event.getType() == Watcher.Event.EventType.None
                        && event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }));
        }
        if (!connected.await(CONNECT_SECONDS_MAX, TimeUnit.SECONDS)) {
            close();
            throw new IOException("ZooKeeper sessions not connected: " + connected.getCount() + " missing");
        }
    }

    ZooKeeper session(int client) {
        return sessions.get(client % sessions.size());
    }

    int size() {
        return sessions.size();
    }

    @Override
    public void close() {
        for (ZooKeeper zk : sessions) {
            try {
                zk.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        sessions.clear();
    }
}
