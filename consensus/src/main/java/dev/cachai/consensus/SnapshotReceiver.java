package dev.cachai.consensus;

import dev.cachai.consensus.message.Message.InstallSnapshot;
import java.io.ByteArrayOutputStream;

/** Assembles the chunks of one incoming snapshot and checks them before it is installed. */
final class SnapshotReceiver {

    final long index;
    private final long totalBytes;
    private final int totalCrc32c;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    SnapshotReceiver(InstallSnapshot first) {
        this.index = first.snapshotIndex();
        this.totalBytes = first.snapshotBytes();
        this.totalCrc32c = first.snapshotCrc32c();
    }

    long receivedBytes() {
        return received.size();
    }

    boolean sameTransfer(InstallSnapshot chunk) {
        return chunk.snapshotIndex() == index && chunk.snapshotBytes() == totalBytes
                && chunk.snapshotCrc32c() == totalCrc32c;
    }

    /** Takes the chunk if it is the next one and intact; a rejected chunk is simply asked for again. */
    boolean offer(InstallSnapshot chunk) {
        if (chunk.offset() != received.size()) {
            return false;
        }
        byte[] bytes = chunk.chunk();
        if (SnapshotSource.crc32c(bytes) != chunk.chunkCrc32c()) {
            return false;
        }
        if (received.size() + (long) bytes.length > totalBytes) {
            return false;
        }
        received.write(bytes, 0, bytes.length);
        return true;
    }

    boolean isComplete() {
        return received.size() == totalBytes;
    }

    /** The whole snapshot, or null when its checksum does not match (start over). */
    byte[] verifiedData() {
        byte[] data = received.toByteArray();
        return SnapshotSource.crc32c(data) == totalCrc32c ? data : null;
    }
}
