package dev.cachai.consensus;

import dev.cachai.consensus.message.Message;
import java.util.List;
import java.util.Optional;

/**
 * Everything the driver must do after feeding the node, in this order:
 * <ol>
 *   <li>persist {@code snapshotMarker}, {@code hardState} and {@code entriesToPersist} and sync
 *       (an entry with the index of an earlier one replaces it);</li>
 *   <li>send {@code messages} (never before the sync: they may promise what was just written);</li>
 *   <li>restore {@code snapshotToInstall} if present, then apply {@code committedEntries};</li>
 *   <li>serve {@code readStates}: their index is already covered by the entries applied above.</li>
 * </ol>
 */
public record Ready(
        Optional<HardState> hardState,
        List<Entry> entriesToPersist,
        Optional<SnapshotMarker> snapshotMarker,
        List<Message> messages,
        Optional<Snapshot> snapshotToInstall,
        List<Entry> committedEntries,
        List<ReadState> readStates) {

    public Ready {
        entriesToPersist = List.copyOf(entriesToPersist);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
    }

    public boolean isEmpty() {
        return hardState.isEmpty() && entriesToPersist.isEmpty() && snapshotMarker.isEmpty() && messages.isEmpty()
                && snapshotToInstall.isEmpty() && committedEntries.isEmpty() && readStates.isEmpty();
    }

    public boolean needsSync() {
        return hardState.isPresent() || !entriesToPersist.isEmpty() || snapshotMarker.isPresent();
    }
}
