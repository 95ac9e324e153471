package dev.cachai.engine.testing;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.Engine;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Result;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A {@link SyncGateway} whose writes of one kind can be held back, as a slow log would, then
 * released in order from the caller's thread (as the consensus loop completes them on its own).
 */
public final class HeldGateway implements CommandGateway {
    private record Held(Command command, CompletableFuture<Result> future) {}

    private final SyncGateway direct = SyncGateway.withoutLeaseKeeper();
    private final Predicate<Command> holds;
    private final List<Held> held = new ArrayList<>();
    private boolean holding;

    /** Holds, once {@link #hold} is called, the commands {@code holds} accepts. */
    public HeldGateway(Predicate<Command> holds) {
        this.holds = holds;
    }

    public synchronized void hold() {
        holding = true;
    }

    /** Applies every held write in arrival order and stops holding. */
    public void release() {
        List<Held> now;
        synchronized (this) {
            holding = false;
            now = new ArrayList<>(held);
            held.clear();
        }
        for (Held h : now) {
            direct.propose(h.command()).whenComplete((r, e) -> {
                if (e != null) {
                    h.future().completeExceptionally(e);
                } else {
                    h.future().complete(r);
                }
            });
        }
    }

    public synchronized int heldCount() {
        return held.size();
    }

    @Override
    public CompletableFuture<Result> propose(Command command) {
        synchronized (this) {
            if (holding && holds.test(command)) {
                CompletableFuture<Result> f = new CompletableFuture<>();
                held.add(new Held(command, f));
                return f;
            }
        }
        return direct.propose(command);
    }

    @Override
    public CompletableFuture<Long> readBarrier() {
        return direct.readBarrier();
    }

    @Override
    public Engine engine() {
        return direct.engine();
    }

    @Override
    public LeaseKeeper leases() {
        return null;
    }
}
