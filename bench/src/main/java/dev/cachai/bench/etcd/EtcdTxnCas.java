package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd Txn as compare-and-swap: if version(key) == expected then put else get. Each client owns
 * one key and issues serially, so it always knows the version; a failed compare is an error.
 */
public final class EtcdTxnCas extends EtcdWorkload {
    private static final long SETUP_SECONDS_MAX = 60;

    private byte[][] keys;
    private long[] versions;

    @Override
    public String name() {
        return "etcd-txn-cas";
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        String prefix = "/bench-cas-" + Keys.nonce() + "/c";
        keys = new byte[clients][];
        versions = new long[clients];
        for (int i = 0; i < clients; i++) {
            keys[i] = Keys.utf8(prefix + i);
            kv.put(i, keys[i], value).get(SETUP_SECONDS_MAX, TimeUnit.SECONDS);
            versions[i] = 1;
        }
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        byte[] key = keys[issuer];
        return kv.putIfVersion(issuer, key, versions[issuer], value)
                .thenApply(succeeded -> {
                    if (!succeeded) {
                        throw new IllegalStateException("compare failed for " + new String(key, StandardCharsets.UTF_8));
                    }
                    versions[issuer]++;
                    return succeeded;
                });
    }
}
