package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.FanOutRound;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watch delivery latency: {@code clients} sessions each hold a one-shot data watch on one node and
 * re-arm it on every event (the classic pattern, served by every ZooKeeper version). One writer.
 * A round ends when every watcher has re-armed, so the next write cannot slip past a watcher.
 * Unlike the other workloads this uses one session per watcher: a server keeps one watch per
 * (session, path), so shared sessions would not fan out on the server. Its sessions are
 * ZooKeeper's Java client's, whatever {@code --zk-client} says: they re-arm their watches.
 */
public final class ZkWatch extends ZkWorkload {
    private static final long SETUP_SECONDS_MAX = 60;

    private ZkPool watchers;
    private ZkPool writer;
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

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        prepare(context);
        watchers = new ZkPool(target, clients);
        writer = new ZkPool(target, 1);
        path = "/bench-watch-" + Keys.nonce();
        watcherCount = clients;
        ZkAsync.create(writer.session(0), path, value).get(SETUP_SECONDS_MAX, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> armed = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            ZooKeeper session = watchers.session(i);
            armed.add(ZkAsync.getData(session, path, new RearmingWatcher(session)));
        }
        CompletableFuture.allOf(armed.toArray(CompletableFuture[]::new)).get(SETUP_SECONDS_MAX, TimeUnit.SECONDS);
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        FanOutRound next = new FanOutRound(watcherCount);
        round = next;
        return ZkAsync.setData(writer.session(0), path, value).thenCompose(ignored -> next.done());
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (watchers != null) {
            watchers.close();
        }
        super.close();
    }

    private final class RearmingWatcher implements Watcher {
        private final ZooKeeper session;

        RearmingWatcher(ZooKeeper session) {
            this.session = session;
        }

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() != Event.EventType.NodeDataChanged) {
                return;
            }
            FanOutRound current = round;
            context.recordSince(current.sentNanos());
            ZkAsync.getData(session, path, this).whenComplete((ok, error) -> current.arrive());
        }
    }
}
