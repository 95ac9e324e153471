package dev.cachai.migration.zk;

import dev.cachai.migration.MigrationException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Opens a ZooKeeper client session and waits until it is really connected, so an unreachable server is one clear error. */
public final class ZkConnect {
    /** Long enough that a slow walk of a big tree never loses the session. */
    static final int SESSION_TIMEOUT_MS = 30_000;
    /** Client-side packet limit: a parent with very many children returns a large getChildren reply. */
    static final int CLIENT_PACKET_BYTES_MAX = 64 << 20;

    private ZkConnect() {}

    public static ZooKeeper open(String role, String hostPort, String auth, Duration timeout) {
        CountDownLatch connected = new CountDownLatch(1);
        AtomicBoolean authFailed = new AtomicBoolean();
        Watcher watcher = event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            } else if (event.getState() == Watcher.Event.KeeperState.AuthFailed) {
                authFailed.set(true);
                connected.countDown();
            }
        };
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.JUTE_MAXBUFFER, Integer.toString(CLIENT_PACKET_BYTES_MAX));
        ZooKeeper zk;
        try {
            zk = new ZooKeeper(hostPort, SESSION_TIMEOUT_MS, watcher, config);
        } catch (IOException | IllegalArgumentException e) {
            throw new MigrationException("cannot connect to " + role + " ZooKeeper at " + hostPort + ": " + e.getMessage());
        }
        try {
            if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                closeQuietly(zk);
                throw new MigrationException("cannot reach " + role + " ZooKeeper at " + hostPort + " within "
                        + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(zk);
            throw new MigrationException("interrupted while connecting to " + hostPort);
        }
        if (authFailed.get()) {
            closeQuietly(zk);
            throw new MigrationException("authentication failed at " + role + " ZooKeeper " + hostPort);
        }
        if (auth != null) {
            int colon = auth.indexOf(':');
            zk.addAuthInfo(auth.substring(0, colon), auth.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
        return zk;
    }

    public static void closeQuietly(ZooKeeper zk) {
        try {
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
