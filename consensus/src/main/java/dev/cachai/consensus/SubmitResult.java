package dev.cachai.consensus;

/** The immediate answer to a proposal, read, transfer or membership request. */
public sealed interface SubmitResult {

    /** Node id meaning "no known leader". */
    int NO_LEADER = 0;

    /** The command got slot {@code index} in {@code ballot}; it is chosen only if it shows up committed. */
    record Accepted(long index, Ballot ballot) implements SubmitResult {
    }

    /** Taken in; the outcome arrives later through {@link Ready}. */
    record Pending() implements SubmitResult {
    }

    /** Only the leader can do this; forward to {@code leaderId} unless it is {@link #NO_LEADER}. */
    record NotLeader(int leaderId) implements SubmitResult {
    }

    /** Refused for a reason the caller can act on (limit reached, transfer in progress, ...). */
    record Rejected(String reason) implements SubmitResult {
    }
}
