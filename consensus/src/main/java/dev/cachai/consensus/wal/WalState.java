package dev.cachai.consensus.wal;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.PersistentState;
import dev.cachai.consensus.SnapshotMarker;
import java.util.List;
import java.util.Optional;

/** What replaying the log found: the last hard state, the latest entry per slot, the snapshot marker. */
public record WalState(HardState hardState, List<Entry> entries, Optional<SnapshotMarker> snapshot) {

    public WalState {
        entries = List.copyOf(entries);
    }

    /** The restart input of the consensus core, given how far the state machine already is. */
    public PersistentState toPersistentState(long appliedIndex) {
        return new PersistentState(hardState, entries, snapshot, appliedIndex);
    }
}
