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

    /**
     * For checks made once per slot: the message ({@code format} with {@code %d} for
     * {@code slot}) is built only when the check fails, not on every call.
     */
    public static void check(boolean condition, String format, long slot) {
        if (!condition) {
            throw new ConsensusInvariantError(String.format(java.util.Locale.ROOT, format, slot));
        }
    }

    /** {@link #check(boolean, String, long)} with two numbers. */
    public static void check(boolean condition, String format, long first, long second) {
        if (!condition) {
            throw new ConsensusInvariantError(String.format(java.util.Locale.ROOT, format, first, second));
        }
    }
}
