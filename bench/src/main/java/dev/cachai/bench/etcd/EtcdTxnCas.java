package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd Txn as compare-and-swap: if version(key) == expected then put else get. Each client owns
 * one key and issues serially, so it always knows the version; a failed compare is an error.
 */
public final class EtcdTxnCas extends EtcdWorkload {
    private static final long SETUP_SECONDS_MAX = 60;

    private ByteSequence[] keys;
    private long[] versions;

    @Override
    public String name() {
        return "etcd-txn-cas";
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        String prefix = "/bench-cas-" + Keys.nonce() + "/c";
        keys = new ByteSequence[clients];
        versions = new long[clients];
        for (int i = 0; i < clients; i++) {
            keys[i] = bytes(prefix + i);
            pool.kv(i).put(keys[i], value).get(SETUP_SECONDS_MAX, TimeUnit.SECONDS);
            versions[i] = 1;
        }
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        ByteSequence key = keys[issuer];
        return pool.kv(issuer).txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(versions[issuer])))
                .Then(Op.put(key, value, PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit()
                .thenApply(response -> {
                    if (!response.isSucceeded()) {
                        throw new IllegalStateException("compare failed for " + key);
                    }
                    versions[issuer]++;
                    return response;
                });
    }
}
