package dev.cachai.consensus.linearizability;

import java.util.Objects;

/**
 * A single register (one key): writes, reads, and compare-and-set on the current value. A null
 * value is an absent key. Compare-and-set on a version or revision maps onto this model when every
 * write stores a distinct value, since then each value names exactly one version.
 */
public final class Register implements Model<String, Register.Op> {
    public static final Register MODEL = new Register(null);

    public enum Kind { WRITE, READ, CAS, CAS_FAILED }

    /**
     * {@code value}: what a WRITE or CAS stored, what a READ returned. {@code expected}: the value a
     * CAS required (CAS_FAILED: the register did not hold it). {@code by}: who did it, only shown.
     */
    public record Op(Kind kind, String expected, String value, String by) {
        public Op by(String client) {
            return new Op(kind, expected, value, client);
        }

        @Override
        public String toString() {
            String what = kind == Kind.WRITE || kind == Kind.READ ? kind + " " + value
                    : kind + " " + expected + (kind == Kind.CAS ? " -> " + value : "");
            return by == null ? what : what + " by " + by;
        }
    }

    private final String initial;

    /** A register that starts as {@code initial} (null: absent). */
    public Register(String initial) {
        this.initial = initial;
    }

    public static Op write(String value) {
        return new Op(Kind.WRITE, null, value, null);
    }

    public static Op read(String seen) {
        return new Op(Kind.READ, null, seen, null);
    }

    public static Op cas(String expected, String value) {
        return new Op(Kind.CAS, expected, value, null);
    }

    public static Op casFailed(String expected) {
        return new Op(Kind.CAS_FAILED, expected, null, null);
    }

    @Override
    public String initial() {
        return initial;
    }

    @Override
    public boolean allows(String state, Op op) {
        switch (op.kind()) {
            case READ:
                return Objects.equals(state, op.value());
            case CAS:
                return Objects.equals(state, op.expected());
            case CAS_FAILED:
                return !Objects.equals(state, op.expected());
            default:
                return true;
        }
    }

    @Override
    public String apply(String state, Op op) {
        return op.kind() == Kind.WRITE || op.kind() == Kind.CAS ? op.value() : state;
    }
}
