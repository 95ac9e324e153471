package dev.cachai.consensus;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * How the core reads snapshots to ship to a lagging follower. The driver owns snapshot files;
 * the core asks for the latest one when a follower needs compacted slots, then reads it chunk by
 * chunk, so a large snapshot never has to sit in memory on the leader.
 */
public interface SnapshotSource {

    /** Index, size and CRC32C of the latest snapshot, or empty when none exists yet. */
    Optional<SnapshotInfo> latest();

    /**
     * Up to {@code length} bytes at {@code offset} of the snapshot at {@code index}; null when
     * that snapshot is gone (replaced by a newer one): the transfer then restarts.
     */
    byte[] read(long index, long offset, int length);

    record SnapshotInfo(long index, long sizeBytes, int crc32c) {
    }

    /** The latest snapshot as bytes in memory. */
    record SnapshotData(long index, byte[] data) {
    }

    SnapshotSource NONE = fromLatest(Optional::empty);

    /** Adapts a supplier of in-memory snapshots (fine for small state machines and tests). */
    static SnapshotSource fromLatest(Supplier<Optional<SnapshotData>> latestData) {
        return new SnapshotSource() {
            @Override
            public Optional<SnapshotInfo> latest() {
                return latestData.get().map(s -> new SnapshotInfo(s.index(), s.data().length, crc32c(s.data())));
            }

            @Override
            public byte[] read(long index, long offset, int length) {
                Optional<SnapshotData> current = latestData.get();
                if (current.isEmpty() || current.get().index() != index) {
                    return null;
                }
                byte[] data = current.get().data();
                int from = (int) Math.min(offset, data.length);
                return Arrays.copyOfRange(data, from, (int) Math.min(data.length, (long) from + length));
            }
        };
    }

    static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }
}
