package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.RunContext;

import java.util.concurrent.CompletableFuture;

/** getChildren of a parent with a fixed number of children (a typical service-discovery read). */
public final class ZkGetChildren extends ZkWorkload {
    private static final String PARENT = "/bench-children";
    private static final int CHILDREN = 100;

    @Override
    public String name() {
        return "zk-getchildren";
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        preloadChildren(PARENT, CHILDREN);
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        return ops.getChildren(issuer, PARENT, CHILDREN);
    }
}
