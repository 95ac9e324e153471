package dev.cachai.consensus;

/** Checks that stay on in production: a violation means the replicated state may be corrupt. */
public final class Invariants {

    private Invariants() {
    }

    public static void check(boolean condition, String violation) {
        if (!condition) {
            throw new ConsensusInvariantError(violation);
        }
    }
}
