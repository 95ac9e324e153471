package dev.cachai.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A workload for tests of the driver and the session: no server, operations answered as told. */
public final class FakeWorkload implements Workload {
    private final Consumer<Endpoints> onSetUp;
    private final Supplier<CompletableFuture<?>> operation;

    /**
     * @param onSetUp   told of each run's target as the run is set up
     * @param operation gives each operation's future
     */
    public FakeWorkload(Consumer<Endpoints> onSetUp, Supplier<CompletableFuture<?>> operation) {
        this.onSetUp = onSetUp;
        this.operation = operation;
    }

    /** Named as a ZooKeeper workload of the catalog, so the session finds its protocol. */
    @Override
    public String name() {
        return "zk-getdata";
    }

    @Override
    public Protocol protocol() {
        return Protocol.ZOOKEEPER;
    }

    @Override
    public void setUp(Endpoints target, int clients, RunContext context) {
        onSetUp.accept(target);
    }

    @Override
    public CompletableFuture<?> issue(int issuer) {
        return operation.get();
    }

    @Override
    public void close() {}
}
