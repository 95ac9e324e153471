package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.FanOutRound;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Watch delivery latency: {@code clients} watchers on one key (spread over the pool's streams;
 * etcd fans out per watcher), one writer; latency is put-sent to event-received, per watcher.
 * Watchers and writer use the client {@code --etcd-client} chose.
 */
public final class EtcdWatch extends EtcdWorkload {
    private static final long CREATE_SECONDS_MAX = 30;

    private EtcdWatchers watchers;
    private volatile FanOutRound round;
    private byte[] key;
    private int watcherCount;

    @Override
    public String name() {
        return "etcd-watch";
    }

    @Override
    public int issuers(int clients) {
        return 1;
    }

    @Override
    public boolean recordsOwnLatency() {
        return true;
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        key = Keys.utf8("/bench-watch-" + Keys.nonce());
        watcherCount = clients;
        CountDownLatch created = new CountDownLatch(clients);
        watchers = EtcdWatchers.open(context.settings().etcdClient(), target,
                context.settings().connectionsFor(clients), created::countDown, this::onEvents);
        for (int i = 0; i < clients; i++) {
            watchers.watch(i, key);
        }
        if (!created.await(CREATE_SECONDS_MAX, TimeUnit.SECONDS)) {
            throw new IllegalStateException("watchers not created: " + created.getCount() + " missing");
        }
    }

    private void onEvents(int count) {
        FanOutRound current = round;
        for (int i = 0; i < count && current != null; i++) {
            context.recordSince(current.sentNanos());
            current.arrive();
        }
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        FanOutRound next = new FanOutRound(watcherCount);
        round = next;
        return kv.put(0, key, value).thenCompose(ignored -> next.done());
    }

    @Override
    public void close() {
        if (watchers != null) {
            watchers.close();
        }
        super.close();
    }
}
