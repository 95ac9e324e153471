package dev.cachai.compat.cluster;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A ZooKeeper client on one member: reads are a sync (the barrier that makes the member catch up
 * with the leader) followed by a getData, writes are setData, compare-and-set is setData with the data
 * version a read returned. A session the cluster expired (its member was away too long) is
 * replaced by a new one.
 */
final class ZkRegisterClient extends RegisterClient {
    static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int ANY_VERSION = -1;

    private final String connect;
    private volatile ZooKeeper zk;

    ZkRegisterClient(String connect, int member, History history, List<String> keys) throws Exception {
        super("zk@m" + member, member, history, keys);
        this.connect = connect;
        this.zk = open(connect);
    }

    static ZooKeeper open(String connect) throws Exception {
        return new ZooKeeper(connect, SESSION_TIMEOUT_MS, event -> { });
    }

    /**
     * sync and getData are sent together without waiting, as applications usually do (the Java
     * client's sync is asynchronous only): the member must not answer the read before the sync.
     */
    @Override
    Seen read(String key) throws Exception {
        CompletableFuture<Integer> synced = new CompletableFuture<>();
        zk.sync(key, (rc, path, ctx) -> synced.complete(rc), null);
        CompletableFuture<Seen> got = new CompletableFuture<>();
        zk.getData(key, false, (rc, path, ctx, data, stat) -> {
            if (rc == KeeperException.Code.OK.intValue()) {
                got.complete(new Seen(new String(data, StandardCharsets.UTF_8), stat.getVersion()));
            } else {
                got.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
            }
        }, null);
        throwUnlessOk(synced.get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        return got.get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    void write(String key, String value) throws Exception {
        throwUnlessOk(setData(key, value, ANY_VERSION));
    }

    @Override
    boolean compareAndSet(String key, Seen expected, String value) throws Exception {
        int rc = setData(key, value, (int) expected.version());
        if (rc == KeeperException.Code.BADVERSION.intValue()) {
            return false;
        }
        throwUnlessOk(rc);
        return true;
    }

    private int setData(String key, String value, int version) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.setData(key, value.getBytes(StandardCharsets.UTF_8), version, (rc, path, ctx, stat) -> done.complete(rc),
                null);
        return done.get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private static void throwUnlessOk(int rc) throws KeeperException {
        if (rc != KeeperException.Code.OK.intValue()) {
            throw KeeperException.create(KeeperException.Code.get(rc));
        }
    }

    @Override
    void recover(Exception failure) throws Exception {
        if (!zk.getState().isAlive()) {
            zk.close();
            zk = open(connect);
        }
    }

    @Override
    public void close() throws Exception {
        super.close();
        zk.close();
    }
}
