package dev.cachai.consensus;

import java.util.Optional;

/**
 * How the core gets snapshot bytes to ship to a lagging follower. The driver owns snapshot
 * files; the core only asks for the latest one when a follower needs compacted entries.
 */
public interface SnapshotSource {

    /** The latest snapshot bytes and their index, or empty when none exists yet. */
    Optional<SnapshotData> latest();

    record SnapshotData(long index, byte[] data) {
    }

    SnapshotSource NONE = Optional::empty;
}
