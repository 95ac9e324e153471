package dev.cachai.consensus;

/** A single-server membership change; at most one is in flight at a time. */
public sealed interface MembershipChange {

    int nodeId();

    /** Joins as a non-voting learner that receives the log and catches up. */
    record AddLearner(int nodeId) implements MembershipChange {
    }

    /** A caught-up learner starts voting. */
    record PromoteLearner(int nodeId) implements MembershipChange {
    }

    /** Leaves the cluster, whether voter or learner. */
    record Remove(int nodeId) implements MembershipChange {
    }
}
