package dev.cachai.consensus;

public enum Role {
    FOLLOWER,
    /** Asks peers whether it could win before disturbing anyone with a higher ballot. */
    PRE_CANDIDATE,
    /** Runs phase 1 (prepare/promise) with its new ballot. */
    CANDIDATE,
    LEADER
}
