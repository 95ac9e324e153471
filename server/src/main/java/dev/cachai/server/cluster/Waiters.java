package dev.cachai.server.cluster;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Futures of this node's clients, by sequence number, each with a deadline. Owned by the loop
 * thread. Deadlines grow with the sequence (one fixed timeout), so expiry scans from the oldest.
 */
final class Waiters<T> {
    static final class Waiter<T> {
        final CompletableFuture<T> future;
        final long deadlineMs;
        /** The tick a read index was last asked for (reads only). */
        long askedTick;

        Waiter(CompletableFuture<T> future, long deadlineMs) {
            this.future = future;
            this.deadlineMs = deadlineMs;
        }
    }

    private final LinkedHashMap<Long, Waiter<T>> bySeq = new LinkedHashMap<>();

    Waiter<T> add(long seq, CompletableFuture<T> future, long deadlineMs) {
        Waiter<T> w = new Waiter<>(future, deadlineMs);
        bySeq.put(seq, w);
        return w;
    }

    Waiter<T> get(long seq) {
        return bySeq.get(seq);
    }

    void complete(long seq, T value) {
        Waiter<T> w = bySeq.remove(seq);
        if (w != null) {
            w.future.complete(value);
        }
    }

    void fail(long seq, EtcdError error) {
        Waiter<T> w = bySeq.remove(seq);
        if (w != null) {
            w.future.completeExceptionally(new GatewayException(error));
        }
    }

    /** Fails the waiters whose deadline has passed with "request timed out"; returns how many. */
    int expire(long nowMs) {
        int expired = 0;
        for (Iterator<Waiter<T>> it = bySeq.values().iterator(); it.hasNext();) {
            Waiter<T> w = it.next();
            if (w.deadlineMs > nowMs) {
                break;
            }
            it.remove();
            w.future.completeExceptionally(new GatewayException(EtcdError.TIMEOUT));
            expired++;
        }
        return expired;
    }

    void failAll(EtcdError error) {
        for (Waiter<T> w : bySeq.values()) {
            w.future.completeExceptionally(new GatewayException(error));
        }
        bySeq.clear();
    }

    Iterable<Map.Entry<Long, Waiter<T>>> entries() {
        return bySeq.entrySet();
    }

    int size() {
        return bySeq.size();
    }
}
