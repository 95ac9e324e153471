package dev.cachai.server.cluster;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.Command;
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
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Set<Long> unsent = new LinkedHashSet<>();

    /**
     * The payload is what travels; the command it encodes is kept so that applying our own entry
     * need not decode it again (the encoding round-trips exactly: a replica that decodes applies
     * the same command).
     */
    private record Pending(byte[] payload, Command command) {}

    void add(long seq, CompletableFuture<Result> future, long deadlineMs, byte[] payload, Command command) {
        waiters.add(seq, future, deadlineMs);
        pending.put(seq, new Pending(payload, command));
    }

    /** The command of a proposal still waiting here, or null. */
    Command command(long seq) {
        Pending p = pending.get(seq);
        return p == null ? null : p.command();
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
            Pending p = pending.get(seq);
            if (p != null && waiting(seq)) {
                out.put(seq, p.payload());
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

    /** Fails the proposals past their deadline with "request timed out"; returns how many. */
    int expire(long nowMs) {
        int expired = waiters.expire(nowMs);
        pending.keySet().removeIf(seq -> !waiting(seq));
        unsent.removeIf(seq -> !waiting(seq));
        return expired;
    }

    void failAll(EtcdError error) {
        waiters.failAll(error);
        pending.clear();
        unsent.clear();
    }

    int size() {
        return waiters.size();
    }

    private void forget(long seq) {
        pending.remove(seq);
        unsent.remove(seq);
    }
}
