package dev.cachai.bench.zk;

import org.apache.zookeeper.Watcher;

import java.util.concurrent.CompletableFuture;

/** The workloads' calls through ZooKeeper's own Java client. */
final class ZkJavaOps implements ZkOps {
    private final ZkPool pool;

    ZkJavaOps(ZkPool pool) {
        this.pool = pool;
    }

    @Override
    public CompletableFuture<Void> create(int client, String path, byte[] data) {
        return ZkAsync.create(pool.session(client), path, data);
    }

    @Override
    public CompletableFuture<Void> ensure(int client, String path, byte[] data) {
        return ZkAsync.ensure(pool.session(client), path, data);
    }

    @Override
    public CompletableFuture<Void> setData(int client, String path, byte[] data) {
        return ZkAsync.setData(pool.session(client), path, data);
    }

    @Override
    public CompletableFuture<Void> getData(int client, String path) {
        return ZkAsync.getData(pool.session(client), path, null);
    }

    @Override
    public CompletableFuture<Void> watchData(int client, String path, Runnable onChanged) {
        return ZkAsync.getData(pool.session(client), path, event -> {
            if (event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                onChanged.run();
            }
        });
    }

    @Override
    public CompletableFuture<Void> getChildren(int client, String path, int childrenExpected) {
        return ZkAsync.getChildren(pool.session(client), path, childrenExpected);
    }

    @Override
    public void close() {
        pool.close();
    }
}
