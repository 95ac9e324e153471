package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.FanOutRound;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watch delivery latency: {@code clients} sessions each hold a one-shot data watch on one node and
 * re-arm it on every event (the classic pattern, served by every ZooKeeper version). One writer,
 * on a session of its own. A round ends when every watcher has re-armed, so the next write cannot
 * slip past a watcher. Unlike the other workloads this uses one session per watcher: a server
 * keeps one watch per (session, path), so shared sessions would not fan out on the server.
 */
public final class ZkWatch extends ZkWorkload {
    private static final long SETUP_SECONDS_MAX = 60;

    private String path;
    private int watcherCount;
    private volatile FanOutRound round;

    @Override
    public String name() {
        return "zk-watch";
    }

    @Override
    public int issuers(int clients) {
        return 1;
    }

    @Override
    public boolean recordsOwnLatency() {
        return true;
    }

    /** Sessions 0..clients-1 watch; session {@code clients} writes. */
    @Override
    protected int connectionsFor(int clients) {
        return clients + 1;
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        path = "/bench-watch-" + Keys.nonce();
        watcherCount = clients;
        ops.create(writer(), path, value).get(SETUP_SECONDS_MAX, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> armed = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            armed.add(arm(i));
        }
        CompletableFuture.allOf(armed.toArray(CompletableFuture[]::new)).get(SETUP_SECONDS_MAX, TimeUnit.SECONDS);
    }

    private int writer() {
        return watcherCount;
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        FanOutRound next = new FanOutRound(watcherCount);
        round = next;
        return ops.setData(writer(), path, value).thenCompose(ignored -> next.done());
    }

    private CompletableFuture<Void> arm(int watcher) {
        return ops.watchData(watcher, path, () -> onChanged(watcher));
    }

    /** On the watcher's session thread: the event counts, then the re-armed read ends its part of the round. */
    private void onChanged(int watcher) {
        FanOutRound current = round;
        context.recordSince(current.sentNanos());
        arm(watcher).whenComplete((ok, error) -> current.arrive());
    }
}
