package dev.cachai.consensus;

import java.util.Arrays;

/**
 * The value an acceptor accepted for one slot, together with the ballot it was accepted in.
 * Two entries hold the same value when kind and bytes match, whatever their ballots.
 */
public record Entry(long index, Ballot ballot, EntryKind kind, byte[] data) {

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        Invariants.check(index > 0, "log slots start at 1");
        data = data == null ? EMPTY : data;
    }

    public static Entry noop(long index, Ballot ballot) {
        return new Entry(index, ballot, EntryKind.NOOP, EMPTY);
    }

    public Entry withBallot(Ballot newBallot) {
        return new Entry(index, newBallot, kind, data);
    }

    public boolean sameValue(Entry other) {
        return kind == other.kind && Arrays.equals(data, other.data);
    }

    /** Rough wire size, used to cap messages. */
    public int sizeBytes() {
        return data.length + 32;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry e && index == e.index && ballot.equals(e.ballot) && sameValue(e);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return index + "@" + ballot + ":" + kind + "(" + data.length + "B)";
    }
}
