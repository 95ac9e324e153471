package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;

import java.util.concurrent.CompletableFuture;

/** etcd Range of one existing key, linearizable (through the leader's read index) or serializable. */
public final class EtcdRange extends EtcdWorkload {
    private final boolean serializable;

    public EtcdRange(boolean serializable) {
        this.serializable = serializable;
    }

    @Override
    public String name() {
        return serializable ? "etcd-range-serializable" : "etcd-range-linearizable";
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        preloadKeyspace();
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        return kv.get(issuer, Keys.utf8(Keys.randomKv(context.settings().keyspaceKeys())), serializable)
                .thenApply(found -> {
                    if (found == 0) {
                        throw new IllegalStateException("preloaded key missing");
                    }
                    return found;
                });
    }
}
