package dev.cachai.server.cluster;

import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.ReadState;
import dev.cachai.consensus.SubmitResult;
import dev.cachai.engine.EtcdError;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Linearizable read barriers of this node's clients: each asks consensus for a read index (the
 * leader confirms its leadership with a quorum; a follower asks the leader) and completes once
 * this node has applied that far. Requests or answers can be lost and leaders can fall, so an
 * unanswered barrier is asked again every few ticks until its deadline. Owned by the loop thread.
 */
final class ReadBarriers {
    private final Waiters<Long> waiters = new Waiters<>();
    private final int retryTicks;

    ReadBarriers(int retryTicks) {
        this.retryTicks = retryTicks;
    }

    void add(PaxosNode paxos, long seq, CompletableFuture<Long> future, long deadlineMs, long tick) {
        waiters.add(seq, future, deadlineMs);
        ask(paxos, seq, tick);
    }

    void retryDue(PaxosNode paxos, long tick) {
        List<Long> due = new ArrayList<>();
        for (Map.Entry<Long, Waiters.Waiter<Long>> e : waiters.entries()) {
            if (tick - e.getValue().askedTick >= retryTicks) {
                due.add(e.getKey());
            }
        }
        due.forEach(seq -> ask(paxos, seq, tick));
    }

    /** The read's index is applied (Ready hands out read states only then): answer with our revision. */
    void release(ReadState read, long revision) {
        waiters.complete(ByteBuffer.wrap(read.context()).getLong(), revision);
    }

    /** Fails the reads past their deadline with "request timed out"; returns how many. */
    int expire(long nowMs) {
        return waiters.expire(nowMs);
    }

    void failAll(EtcdError error) {
        waiters.failAll(error);
    }

    int size() {
        return waiters.size();
    }

    private void ask(PaxosNode paxos, long seq, long tick) {
        Waiters.Waiter<Long> w = waiters.get(seq);
        if (w == null) {
            return;
        }
        w.askedTick = tick;
        SubmitResult result = paxos.readIndex(ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
        if (result instanceof SubmitResult.Rejected) {
            waiters.fail(seq, EtcdError.TOO_MANY_REQUESTS);
        }
    }
}
