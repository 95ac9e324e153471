package dev.cachai.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One write observed by many watchers. The writer waits for every watcher before the next write,
 * so at most one round is open and each delivery knows which write it answers.
 */
public final class FanOutRound {
    private final long sentNanos;
    private final AtomicInteger pending;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    public FanOutRound(int watchers) {
        this.sentNanos = System.nanoTime();
        this.pending = new AtomicInteger(watchers);
    }

    public long sentNanos() { return sentNanos; }

    public CompletableFuture<Void> done() { return done; }

    /** Called once per watcher when its part of the round is over. */
    public void arrive() {
        if (pending.decrementAndGet() == 0) {
            done.complete(null);
        }
    }
}
