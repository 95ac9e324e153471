package dev.cachai.consensus;

/** A single-server membership change; at most one is in flight at a time. */
public sealed interface MembershipChange {

    int nodeId();

    /** Joins as a non-voting learner that receives the log and catches up; {@code metadata} is opaque. */
    record AddLearner(int nodeId, String metadata) implements MembershipChange {
        public AddLearner {
            metadata = metadata == null ? "" : metadata;
        }

        public AddLearner(int nodeId) {
            this(nodeId, "");
        }
    }

    /** A caught-up learner starts voting. */
    record PromoteLearner(int nodeId) implements MembershipChange {
    }

    /** Replaces a member's opaque metadata; who votes stays the same. */
    record UpdateMetadata(int nodeId, String metadata) implements MembershipChange {
        public UpdateMetadata {
            metadata = metadata == null ? "" : metadata;
        }
    }

    /** Leaves the cluster, whether voter or learner. */
    record Remove(int nodeId) implements MembershipChange {
    }
}
