package dev.cachai.server.cluster;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.MembershipChange;
import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.SubmitResult;
import dev.cachai.engine.EtcdError;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * Membership requests at the leader, carried out one at a time (consensus takes one change at
 * a time): checked against the membership in force, proposed, and answered once the change is
 * applied here. Owned by the loop thread.
 */
final class LeaderMemberQueue {

    /** Who asked: this node ({@code origin} is ours) or a member that forwarded the request. */
    interface Answer {
        void done(EtcdError error, ClusterMembers members);
    }

    private static final class Pending {
        final MemberRequest request;
        final Answer answer;
        final long deadlineMs;
        long proposedIndex;
        byte[] proposedMembership;

        Pending(MemberRequest request, Answer answer, long deadlineMs) {
            this.request = request;
            this.answer = answer;
            this.deadlineMs = deadlineMs;
        }
    }

    private final int queuedMax;
    private final Deque<Pending> queue = new ArrayDeque<>();

    LeaderMemberQueue(int queuedMax) {
        this.queuedMax = queuedMax;
    }

    void add(MemberRequest request, Answer answer, long deadlineMs) {
        if (queue.size() >= queuedMax) {
            answer.done(EtcdError.TOO_MANY_REQUESTS, null);
            return;
        }
        queue.add(new Pending(request, answer, deadlineMs));
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Proposes the next request unless one is still being chosen. */
    void pump(PaxosNode paxos, Supplier<ClusterMembers> members, MemberRules.LeaderView leader) {
        while (!queue.isEmpty() && queue.peek().proposedIndex == 0) {
            Pending head = queue.peek();
            MemberRules.Decision decision = MemberRules.decide(head.request, members.get(), leader);
            if (decision.error() != null || decision.change() == null) {
                queue.poll();
                head.answer.done(decision.error(), members.get());
                continue;
            }
            byte[] expected = paxos.membership().apply(decision.change()).encode();
            SubmitResult result = paxos.changeMembership(decision.change());
            if (result instanceof SubmitResult.Accepted accepted) {
                head.proposedIndex = accepted.index();
                head.proposedMembership = expected;
                return;
            }
            if (result instanceof SubmitResult.Rejected rejected && rejected.reason().contains("in progress")) {
                return; // the previous change is still settling: ask again on the next round
            }
            queue.poll();
            head.answer.done(errorFor(result, decision.change()), members.get());
        }
    }

    /** The consensus core's own refusals, in etcd's words. */
    private static EtcdError errorFor(SubmitResult result, MembershipChange change) {
        if (result instanceof SubmitResult.NotLeader) {
            return EtcdError.LEADER_CHANGED;
        }
        String reason = result instanceof SubmitResult.Rejected r ? r.reason() : "";
        if (reason.contains("caught up")) {
            return EtcdError.LEARNER_NOT_READY;
        }
        if (reason.contains("last voter")) {
            return EtcdError.MEMBER_NOT_ENOUGH_STARTED;
        }
        if (reason.contains("already a member")) {
            return EtcdError.MEMBER_EXIST;
        }
        if (reason.contains("not a learner")) {
            return change instanceof MembershipChange.PromoteLearner ? EtcdError.MEMBER_NOT_LEARNER
                    : EtcdError.MEMBER_NOT_FOUND;
        }
        if (reason.contains("not a member")) {
            return EtcdError.MEMBER_NOT_FOUND;
        }
        return EtcdError.TOO_MANY_REQUESTS;
    }

    /** A membership entry was applied: answers the request it carries out, or fails one it displaced. */
    void onApplied(Entry entry, ClusterMembers members) {
        Pending head = queue.peek();
        if (head == null || head.proposedIndex == 0 || entry.index() < head.proposedIndex) {
            return;
        }
        queue.poll();
        boolean ours = entry.index() == head.proposedIndex && entry.kind() == EntryKind.MEMBERSHIP
                && Arrays.equals(entry.data(), head.proposedMembership);
        head.answer.done(ours ? null : EtcdError.LEADER_CHANGED, members);
    }

    /** Leadership ended: what was proposed may or may not be chosen; nothing waits for it here. */
    void failAll(EtcdError error) {
        while (!queue.isEmpty()) {
            queue.poll().answer.done(error, null);
        }
    }

    void expire(long nowMs) {
        while (!queue.isEmpty() && queue.peek().proposedIndex == 0 && queue.peek().deadlineMs <= nowMs) {
            queue.poll().answer.done(EtcdError.TIMEOUT, null);
        }
    }
}
