package dev.cachai.bench.etcd;

import dev.cachai.bench.load.EtcdClientKind;
import dev.cachai.bench.load.Endpoints;

import java.util.function.IntConsumer;

/**
 * Watchers for the watch workload, through the client library the run chose; watcher i uses
 * connection i % connections, where the watchers of one connection share its watch stream.
 * For every watcher, {@code created} runs once the server confirmed the watch and {@code events}
 * hears how many events each response carried; both may run on any thread.
 */
interface EtcdWatchers extends AutoCloseable {
    void watch(int watcher, byte[] key);

    @Override
    void close();

    static EtcdWatchers open(EtcdClientKind kind, Endpoints target, int connections, Runnable created,
                             IntConsumer events) throws Exception {
        return kind == EtcdClientKind.GRPC ? new GrpcWatchers(target, connections, created, events)
                : new JetcdWatchers(new EtcdPool(target, connections), created, events);
    }
}
