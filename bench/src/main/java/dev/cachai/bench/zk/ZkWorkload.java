package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.Protocol;
import dev.cachai.bench.load.RunContext;
import dev.cachai.bench.load.Workload;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Session handling and data loading shared by the ZooKeeper workloads. */
abstract class ZkWorkload implements Workload {
    /** Set-up writes in flight at once: enough to hide the fsync latency, small enough not to queue. */
    private static final int PRELOAD_INFLIGHT_MAX = 64;
    private static final long PRELOAD_SECONDS_MAX = 120;

    protected ZkPool pool;
    protected RunContext context;
    protected byte[] value;

    @Override
    public Protocol protocol() {
        return Protocol.ZOOKEEPER;
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        this.context = context;
        this.value = Keys.value(context.settings().valueBytes());
        this.pool = new ZkPool(target, connectionsFor(clients));
    }

    protected int connectionsFor(int clients) {
        return context.settings().connectionsFor(clients);
    }

    /** Creates (or keeps) {@code parent} and its children {@code parent/k0..k(count-1)}. */
    protected void preloadChildren(String parent, int count) throws Exception {
        ZooKeeper zk = pool.session(0);
        ZkAsync.ensure(zk, parent, new byte[0]).get(PRELOAD_SECONDS_MAX, TimeUnit.SECONDS);
        List<CompletableFuture<?>> inflight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inflight.add(ZkAsync.ensure(zk, parent + "/k" + i, value));
            if (inflight.size() == PRELOAD_INFLIGHT_MAX) {
                awaitAll(inflight);
            }
        }
        awaitAll(inflight);
    }

    private static void awaitAll(List<CompletableFuture<?>> inflight) throws Exception {
        CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).get(PRELOAD_SECONDS_MAX, TimeUnit.SECONDS);
        inflight.clear();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
