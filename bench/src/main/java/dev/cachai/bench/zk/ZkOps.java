package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.ZkClientKind;

import java.util.concurrent.CompletableFuture;

/**
 * The ZooKeeper calls the workloads make, through the client the run chose; logical client i
 * uses session i % sessions. A non-OK result fails the future.
 */
interface ZkOps extends AutoCloseable {
    CompletableFuture<Void> create(int client, String path, byte[] data);

    /** A create that counts "already exists" as done, for idempotent set-up. */
    CompletableFuture<Void> ensure(int client, String path, byte[] data);

    CompletableFuture<Void> setData(int client, String path, byte[] data);

    CompletableFuture<Void> getData(int client, String path);

    /**
     * A read that leaves a one-shot data watch on {@code path}: {@code onChanged} runs once, on the
     * session's own thread, when the server reports the node's data changed.
     */
    CompletableFuture<Void> watchData(int client, String path, Runnable onChanged);

    /** Fails unless the node has exactly {@code childrenExpected} children. */
    CompletableFuture<Void> getChildren(int client, String path, int childrenExpected);

    @Override
    void close();

    static ZkOps open(ZkClientKind kind, Endpoints target, int sessions) throws Exception {
        return kind == ZkClientKind.WIRE ? new ZkWire(target, sessions) : new ZkJavaOps(new ZkPool(target, sessions));
    }
}
