package dev.cachai.server.cluster;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.result.Result;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Proposals this node's clients made, until the entry carrying their origin id is applied here.
 * Each is either handed to a leader (proposed here, or forwarded) or waiting for one ("unsent").
 * Owned by the loop thread.
 */
final class OriginProposals {
    private final Waiters<Result> waiters = new Waiters<>();
    private final Map<Long, byte[]> payloads = new HashMap<>();
    private final Set<Long> unsent = new LinkedHashSet<>();

    void add(long seq, CompletableFuture<Result> future, long deadlineMs, byte[] payload) {
        waiters.add(seq, future, deadlineMs);
        payloads.put(seq, payload);
    }

    boolean waiting(long seq) {
        return waiters.get(seq) != null;
    }

    /** No leader took it: keep it for the next leader. */
    void park(long seq) {
        if (waiting(seq)) {
            unsent.add(seq);
        }
    }

    boolean anyParked() {
        return !unsent.isEmpty();
    }

    /** The parked proposals with their payloads, in the order they were made; none stay parked. */
    Map<Long, byte[]> unpark() {
        Map<Long, byte[]> out = new java.util.LinkedHashMap<>();
        for (long seq : unsent) {
            byte[] payload = payloads.get(seq);
            if (payload != null && waiting(seq)) {
                out.put(seq, payload);
            }
        }
        unsent.clear();
        return out;
    }

    void complete(long seq, Result result) {
        forget(seq);
        waiters.complete(seq, result);
    }

    void fail(long seq, EtcdError error) {
        forget(seq);
        waiters.fail(seq, error);
    }

    /**
     * The leader they were handed to is gone; the next one may or may not choose them. Their
     * clients hear "leader changed" now rather than a timeout later, as with etcd.
     */
    void failHandedOff() {
        List<Long> handedOff = new ArrayList<>();
        for (Map.Entry<Long, Waiters.Waiter<Result>> e : waiters.entries()) {
            if (!unsent.contains(e.getKey())) {
                handedOff.add(e.getKey());
            }
        }
        handedOff.forEach(seq -> fail(seq, EtcdError.LEADER_CHANGED));
    }

    void expire(long nowMs) {
        waiters.expire(nowMs);
        payloads.keySet().removeIf(seq -> !waiting(seq));
        unsent.removeIf(seq -> !waiting(seq));
    }

    void failAll(EtcdError error) {
        waiters.failAll(error);
        payloads.clear();
        unsent.clear();
    }

    int size() {
        return waiters.size();
    }

    private void forget(long seq) {
        payloads.remove(seq);
        unsent.remove(seq);
    }
}
