package dev.cachai.bench.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.concurrent.CompletableFuture;

/** The ZooKeeper client's async callbacks as futures; a non-OK result code fails the future. */
final class ZkAsync {
    private ZkAsync() {}

    static CompletableFuture<Void> create(ZooKeeper zk, String path, byte[] data) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                (rc, p, ctx, name) -> complete(f, rc, p), null);
        return f;
    }

    /** Create that treats "already exists" as success, for idempotent set-up. */
    static CompletableFuture<Void> ensure(ZooKeeper zk, String path, byte[] data) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) ->
                complete(f, rc == KeeperException.Code.NODEEXISTS.intValue() ? 0 : rc, p), null);
        return f;
    }

    static CompletableFuture<Void> setData(ZooKeeper zk, String path, byte[] data) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        zk.setData(path, data, -1, (rc, p, ctx, stat) -> complete(f, rc, p), null);
        return f;
    }

    static CompletableFuture<Void> getData(ZooKeeper zk, String path, Watcher watcher) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        zk.getData(path, watcher, (rc, p, ctx, data, stat) -> complete(f, rc, p), null);
        return f;
    }

    static CompletableFuture<Void> getChildren(ZooKeeper zk, String path, int childrenExpected) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        zk.getChildren(path, false, (rc, p, ctx, children) -> {
            if (rc == 0 && children.size() != childrenExpected) {
                f.completeExceptionally(new IllegalStateException(
                        p + " has " + children.size() + " children, expected " + childrenExpected));
            } else {
                complete(f, rc, p);
            }
        }, null);
        return f;
    }

    private static void complete(CompletableFuture<Void> f, int rc, String path) {
        if (rc == 0) {
            f.complete(null);
        } else {
            f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
        }
    }
}
