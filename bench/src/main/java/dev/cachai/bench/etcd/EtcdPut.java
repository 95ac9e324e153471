package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** etcd Put of a fixed-size value to a random key of a per-run key set. */
public final class EtcdPut extends EtcdWorkload {
    private String prefix;

    @Override
    public String name() {
        return "etcd-put";
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        prefix = "/bench-put-" + Keys.nonce() + "/k";
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        int key = ThreadLocalRandom.current().nextInt(context.settings().keyspaceKeys());
        return kv.put(issuer, Keys.utf8(prefix + key), value);
    }
}
