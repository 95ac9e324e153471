package dev.cachai.consensus;

/**
 * Acceptor state that must be durable before any message that depends on it leaves the node:
 * the promised ballot (so a restarted acceptor never breaks a promise) and the commit index.
 */
public record HardState(Ballot promised, long commitIndex) {

    public static final HardState INITIAL = new HardState(Ballot.ZERO, 0);

    public HardState {
        Invariants.check(commitIndex >= 0, "commit index is negative");
    }
}
