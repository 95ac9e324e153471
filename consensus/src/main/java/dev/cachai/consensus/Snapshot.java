package dev.cachai.consensus;

/** A state machine snapshot: its marker plus the opaque bytes the driver produced. */
public record Snapshot(SnapshotMarker marker, byte[] data) {

    public long index() {
        return marker.index();
    }
}
