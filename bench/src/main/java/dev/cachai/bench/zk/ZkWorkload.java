package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.Protocol;
import dev.cachai.bench.load.RunContext;
import dev.cachai.bench.load.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Session handling and data loading shared by the ZooKeeper workloads. */
abstract class ZkWorkload implements Workload {
    /** Set-up writes in flight at once: enough to hide the fsync latency, small enough not to queue. */
    private static final int PRELOAD_INFLIGHT_MAX = 64;
    private static final long PRELOAD_SECONDS_MAX = 120;

    protected ZkOps ops;
    protected RunContext context;
    protected byte[] value;

    @Override
    public Protocol protocol() {
        return Protocol.ZOOKEEPER;
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        prepare(context);
        this.ops = ZkOps.open(context.settings().zkClient(), target, connectionsFor(clients));
    }

    /** What every run needs before it opens sessions. */
    protected void prepare(RunContext context) {
        this.context = context;
        this.value = Keys.value(context.settings().valueBytes());
    }

    protected int connectionsFor(int clients) {
        return context.settings().connectionsFor(clients);
    }

    /** Creates (or keeps) {@code parent} and its children {@code parent/k0..k(count-1)}. */
    protected void preloadChildren(String parent, int count) throws Exception {
        ops.ensure(0, parent, new byte[0]).get(PRELOAD_SECONDS_MAX, TimeUnit.SECONDS);
        List<CompletableFuture<?>> inflight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inflight.add(ops.ensure(0, parent + "/k" + i, value));
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
        if (ops != null) {
            ops.close();
        }
    }
}
