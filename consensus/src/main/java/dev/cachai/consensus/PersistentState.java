package dev.cachai.consensus;

import java.util.List;
import java.util.Optional;

/**
 * What a node restarts from: everything its driver made durable, plus how far the state machine
 * has already applied (the snapshot index when the state machine is rebuilt from a snapshot).
 */
public record PersistentState(HardState hardState, List<Entry> entries, Optional<SnapshotMarker> snapshot,
        long appliedIndex) {

    public static final PersistentState EMPTY = new PersistentState(HardState.INITIAL, List.of(), Optional.empty(), 0);

    public PersistentState {
        entries = List.copyOf(entries);
        long snapshotIndex = snapshot.map(SnapshotMarker::index).orElse(0L);
        Invariants.check(appliedIndex >= snapshotIndex, "applied index below the snapshot");
        // Applied may pass the durable commit index, which is written without a sync when it alone
        // moves; the slots applied were synced before they were chosen, so the log still holds them.
        long lastIndex = Math.max(snapshotIndex, entries.stream().mapToLong(Entry::index).max().orElse(0));
        Invariants.check(appliedIndex <= lastIndex, "applied beyond the log");
    }
}
