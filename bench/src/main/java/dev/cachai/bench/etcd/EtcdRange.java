package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;
import io.etcd.jetcd.options.GetOption;

import java.util.concurrent.CompletableFuture;

/** etcd Range of one existing key, linearizable (through the leader's read index) or serializable. */
public final class EtcdRange extends EtcdWorkload {
    private final boolean serializable;
    private final GetOption option;

    public EtcdRange(boolean serializable) {
        this.serializable = serializable;
        this.option = GetOption.builder().withSerializable(serializable).build();
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
        return pool.kv(issuer).get(bytes(Keys.randomKv(context.settings().keyspaceKeys())), option)
                .thenApply(response -> {
                    if (response.getKvs().isEmpty()) {
                        throw new IllegalStateException("preloaded key missing");
                    }
                    return response;
                });
    }
}
