package dev.cachai.bench.etcd;

import dev.cachai.bench.load.EtcdClientKind;
import dev.cachai.bench.load.Endpoints;

import java.util.concurrent.CompletableFuture;

/**
 * The KV calls the etcd workloads make, through the client library the run chose; logical
 * client i uses connection i % connections.
 */
interface EtcdKv extends AutoCloseable {
    CompletableFuture<?> put(int client, byte[] key, byte[] value);

    /** A single-key range: how many keys it found. */
    CompletableFuture<Integer> get(int client, byte[] key, boolean serializable);

    /** A txn: put if the key's version is {@code version}, else get it; whether it put. */
    CompletableFuture<Boolean> putIfVersion(int client, byte[] key, long version, byte[] value);

    @Override
    void close();

    static EtcdKv open(EtcdClientKind kind, Endpoints target, int connections) throws Exception {
        return kind == EtcdClientKind.GRPC ? new GrpcKv(target, connections) : new JetcdKv(new EtcdPool(target, connections));
    }
}
