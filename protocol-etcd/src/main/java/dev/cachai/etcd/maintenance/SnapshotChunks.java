package dev.cachai.etcd.maintenance;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.util.List;

/**
 * A snapshot's bytes, held in parts (pages), cut into the blobs of Snapshot responses: each full
 * but the last, whatever the parts' sizes.
 */
final class SnapshotChunks {
    private final int chunkBytes;
    private List<byte[]> parts;
    private final long totalBytes;
    private long sentBytes;
    private int part;
    private int offset;

    SnapshotChunks(List<byte[]> parts, int chunkBytes) {
        this.parts = parts;
        this.chunkBytes = chunkBytes;
        long total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        this.totalBytes = total;
    }

    boolean hasNext() {
        return sentBytes < totalBytes;
    }

    /** The next blob; {@link #remainingBytes} then tells what is left after it. */
    ByteString next() {
        int length = (int) Math.min(chunkBytes, totalBytes - sentBytes);
        byte[] chunk = new byte[length];
        int filled = 0;
        while (filled < length) {
            byte[] current = parts.get(part);
            int n = Math.min(length - filled, current.length - offset);
            System.arraycopy(current, offset, chunk, filled, n);
            filled += n;
            offset += n;
            if (offset == current.length) {
                parts.set(part, null); // sent: no longer held
                part++;
                offset = 0;
            }
        }
        sentBytes += length;
        return UnsafeByteOperations.unsafeWrap(chunk); // a fresh array no one else holds: no second copy
    }

    long remainingBytes() {
        return totalBytes - sentBytes;
    }

    /** The call ended before everything was sent: lets the parts go. */
    void drop() {
        parts = List.of();
        sentBytes = totalBytes;
    }
}
