package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** ZooKeeper create of new persistent nodes (fixed-size data) under a per-run parent. */
public final class ZkCreate extends ZkWorkload {
    private String parent;
    private long[] nextSeq;

    @Override
    public String name() {
        return "zk-create";
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        parent = "/bench-create-" + Keys.nonce();
        nextSeq = new long[clients];
        ops.create(0, parent, new byte[0]).get(30, TimeUnit.SECONDS);
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        // Each loop issues serially, so its own counter needs no synchronization.
        String path = parent + "/c" + issuer + "-" + nextSeq[issuer]++;
        return ops.create(issuer, path, value);
    }
}
