package dev.cachai.bench.zk;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.Keys;
import dev.cachai.bench.load.RunContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** getData / setData on the preloaded key set: 100% reads, 0% reads, or a mix such as 90/10. */
public final class ZkReadWrite extends ZkWorkload {
    private final int readPercent;

    public ZkReadWrite(int readPercent) {
        if (readPercent < 0 || readPercent > 100) {
            throw new IllegalArgumentException("readPercent " + readPercent);
        }
        this.readPercent = readPercent;
    }

    @Override
    public String name() {
        if (readPercent == 100) {
            return "zk-getdata";
        }
        return readPercent == 0 ? "zk-setdata" : "zk-mix-" + readPercent + "r" + (100 - readPercent) + "w";
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) throws Exception {
        super.setUp(target, clients, context);
        preloadChildren(Keys.KV_PARENT, context.settings().keyspaceKeys());
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        String path = Keys.randomKv(context.settings().keyspaceKeys());
        boolean read = ThreadLocalRandom.current().nextInt(100) < readPercent;
        return read ? ops.getData(issuer, path) : ops.setData(issuer, path, value);
    }
}
