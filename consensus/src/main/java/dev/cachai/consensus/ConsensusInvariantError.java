package dev.cachai.consensus;

/** Thrown when a safety invariant is broken; the node must stop rather than go on with bad state. */
public final class ConsensusInvariantError extends Error {

    public ConsensusInvariantError(String violation) {
        super(violation);
    }
}
