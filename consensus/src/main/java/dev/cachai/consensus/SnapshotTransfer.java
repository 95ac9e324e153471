package dev.cachai.consensus;

import java.util.Arrays;
import java.util.zip.CRC32C;

/** A snapshot being streamed to one follower, one chunk at a time (stop and wait). */
final class SnapshotTransfer {

    final long index;
    final byte[] data;
    final Membership membership;
    final int dataCrc32c;
    long offset;
    int ticksSinceAck;

    SnapshotTransfer(long index, byte[] data, Membership membership) {
        this.index = index;
        this.data = data;
        this.membership = membership;
        this.dataCrc32c = crc32c(data, 0, data.length);
    }

    byte[] chunkAt(long chunkOffset, int chunkBytesMax) {
        int from = (int) chunkOffset;
        int to = Math.min(data.length, from + chunkBytesMax);
        return Arrays.copyOfRange(data, from, to);
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
