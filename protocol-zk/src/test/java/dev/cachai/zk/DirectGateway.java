package dev.cachai.zk;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.Engine;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Result;

import java.util.concurrent.CompletableFuture;

/** A single-node gateway for tests: commands apply synchronously, in call order, to a real Engine. */
public final class DirectGateway implements CommandGateway {
    private final Engine engine = new Engine();

    @Override
    public synchronized CompletableFuture<Result> propose(Command command) {
        try {
            return CompletableFuture.completedFuture(engine.apply(System.currentTimeMillis(), command));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Long> readBarrier() {
        return CompletableFuture.completedFuture(engine.revision());
    }

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public LeaseKeeper leases() {
        return null;
    }
}
