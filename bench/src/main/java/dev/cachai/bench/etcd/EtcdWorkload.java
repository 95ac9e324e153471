package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.Protocol;
import dev.cachai.bench.load.RunContext;
import dev.cachai.bench.load.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Connection handling and data loading shared by the etcd workloads. */
abstract class EtcdWorkload implements Workload {
    /** Preload writes in flight at once: enough to hide the fsync latency, small enough not to queue. */
    private static final int PRELOAD_INFLIGHT_MAX = 64;
    private static final long PRELOAD_SECONDS_MAX = 120;

    protected EtcdKv kv;
    protected RunContext context;
    protected byte[] value;

    @Override
    public Protocol protocol() {
        return Protocol.ETCD;
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        this.context = context;
        this.value = Keys.value(context.settings().valueBytes());
        this.kv = EtcdKv.open(context.settings().etcdClient(), target, context.settings().connectionsFor(clients));
    }

    /** Writes the shared key set so reads hit existing keys. */
    protected void preloadKeyspace() throws Exception {
        List<CompletableFuture<?>> inflight = new ArrayList<>();
        for (int i = 0; i < context.settings().keyspaceKeys(); i++) {
            inflight.add(kv.put(0, Keys.utf8(Keys.kv(i)), value));
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
        if (kv != null) {
            kv.close();
        }
    }
}
