package dev.cachai.consensus.sim;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.PersistentState;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.SnapshotMarker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A node's disk: writes sit in a volatile buffer until {@link #sync()}; a crash loses them all
 * (also a commit-only hard state, which the driver writes without a sync).
 * State machine snapshots are written atomically (temp file + rename in the real driver).
 */
final class SimDisk {

    private HardState hardState = HardState.INITIAL;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private SnapshotMarker marker;
    private byte[] snapshotData;
    private long snapshotFileIndex;

    private final List<Ready> unsynced = new ArrayList<>();

    void write(Ready ready) {
        unsynced.add(ready);
    }

    /** Makes the buffered writes durable, in order, and returns the entries that became durable. */
    List<Entry> sync() {
        List<Entry> durable = new ArrayList<>();
        for (Ready ready : unsynced) {
            durable.addAll(makeDurable(ready));
        }
        unsynced.clear();
        return durable;
    }

    private List<Entry> makeDurable(Ready ready) {
        ready.snapshotToInstall().ifPresent(snapshot -> saveSnapshot(snapshot.index(), snapshot.data()));
        ready.hardState().ifPresent(state -> hardState = state);
        ready.snapshotMarker().ifPresent(this::applyMarker);
        for (Entry entry : ready.entriesToPersist()) {
            if (marker == null || entry.index() > marker.index()) {
                entries.put(entry.index(), entry);
            }
        }
        return ready.entriesToPersist();
    }

    private void applyMarker(SnapshotMarker newMarker) {
        if (marker == null || newMarker.index() > marker.index()) {
            marker = newMarker;
        }
        entries.headMap(newMarker.index(), true).clear();
    }

    void crash() {
        unsynced.clear();
    }

    /** The state machine's own snapshot file, durable at once (written to a temp file and renamed). */
    void saveSnapshot(long index, byte[] data) {
        snapshotFileIndex = index;
        snapshotData = data;
    }

    long snapshotIndex() {
        return snapshotFileIndex;
    }

    byte[] snapshotData() {
        return snapshotData;
    }

    /**
     * What a restarted node sees. The state machine restarts from its own snapshot file, so the
     * applied index is that file's index, and the marker never points past it.
     */
    PersistentState restore() {
        Optional<SnapshotMarker> restoredMarker = Optional.ofNullable(marker);
        long markerIndex = restoredMarker.map(SnapshotMarker::index).orElse(0L);
        if (markerIndex > snapshotFileIndex) {
            throw new IllegalStateException("snapshot marker " + markerIndex + " beyond snapshot file "
                    + snapshotFileIndex);
        }
        long applied = snapshotFileIndex;
        return new PersistentState(hardState, new ArrayList<>(entries.values()), restoredMarker, applied);
    }
}
