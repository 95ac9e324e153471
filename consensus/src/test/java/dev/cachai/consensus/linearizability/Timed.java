package dev.cachai.consensus.linearizability;

/**
 * One operation of a history with the times its client invoked it and heard its answer, on any
 * clock that orders events across clients. An operation whose outcome is unknown (no answer, a
 * timeout, a lost connection) has {@code answeredAt == UNKNOWN}: it may take effect at any point
 * after its invocation, or never.
 */
public record Timed<O>(long invokedAt, long answeredAt, O op) {
    public static final long UNKNOWN = Long.MAX_VALUE;

    public boolean outcomeKnown() {
        return answeredAt != UNKNOWN;
    }

    @Override
    public String toString() {
        return "[" + invokedAt + ", " + (outcomeKnown() ? Long.toString(answeredAt) : "?") + "] " + op;
    }
}
