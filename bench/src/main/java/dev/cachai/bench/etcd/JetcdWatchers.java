package dev.cachai.bench.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** The watch workload's watchers through jetcd. */
final class JetcdWatchers implements EtcdWatchers {
    private static final WatchOption NOTIFY_CREATED = WatchOption.builder().withCreateNotify(true).build();

    private final EtcdPool pool;
    private final List<Watch.Watcher> watchers = new ArrayList<>();
    private final Runnable created;
    private final IntConsumer events;

    JetcdWatchers(EtcdPool pool, Runnable created, IntConsumer events) {
        this.pool = pool;
        this.created = created;
        this.events = events;
    }

    @Override
    public void watch(int watcher, byte[] key) {
        watchers.add(pool.watch(watcher).watch(ByteSequence.from(key), NOTIFY_CREATED, response -> {
            if (response.isCreatedNotify()) {
                created.run();
            }
            if (!response.getEvents().isEmpty()) {
                events.accept(response.getEvents().size());
            }
        }));
    }

    @Override
    public void close() {
        for (Watch.Watcher w : watchers) {
            w.close();
        }
        watchers.clear();
        pool.close();
    }
}
