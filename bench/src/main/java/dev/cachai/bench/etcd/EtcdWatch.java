package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.FanOutRound;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Watch delivery latency: {@code clients} watchers on one key (spread over the pool's streams;
 * etcd fans out per watcher), one writer; latency is put-sent to event-received, per watcher.
 * The watchers are jetcd's, whatever {@code --etcd-client} says; the writer uses that client.
 */
public final class EtcdWatch extends EtcdWorkload {
    private static final long CREATE_SECONDS_MAX = 30;

    private final List<Watch.Watcher> watchers = new ArrayList<>();
    private EtcdPool watchPool;
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
        watchPool = new EtcdPool(target, context.settings().connectionsFor(clients));
        CountDownLatch created = new CountDownLatch(clients);
        WatchOption option = WatchOption.builder().withCreateNotify(true).build();
        for (int i = 0; i < clients; i++) {
            watchers.add(watchPool.watch(i).watch(ByteSequence.from(key), option, response -> onResponse(response, created)));
        }
        if (!created.await(CREATE_SECONDS_MAX, TimeUnit.SECONDS)) {
            throw new IllegalStateException("watchers not created: " + created.getCount() + " missing");
        }
    }

    private void onResponse(WatchResponse response, CountDownLatch created) {
        if (response.isCreatedNotify()) {
            created.countDown();
        }
        FanOutRound current = round;
        for (int i = 0; i < response.getEvents().size() && current != null; i++) {
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
        for (Watch.Watcher w : watchers) {
            w.close();
        }
        if (watchPool != null) {
            watchPool.close();
        }
        super.close();
    }
}
