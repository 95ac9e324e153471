package dev.cachai.consensus;

/**
 * Records that the state machine state up to {@code index} lives in a snapshot, with the
 * membership in force at that index; the log below it can be dropped.
 */
public record SnapshotMarker(long index, Membership membership) {

    public SnapshotMarker {
        Invariants.check(index >= 0, "snapshot index is negative");
    }
}
