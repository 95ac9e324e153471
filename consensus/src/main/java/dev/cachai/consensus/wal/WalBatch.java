package dev.cachai.consensus.wal;

import java.nio.ByteBuffer;

/**
 * Records staged for one write: framed back to back in a reused direct buffer, so a whole
 * {@code save(Ready)} reaches the file in a single write call without per-record copies.
 */
final class WalBatch {

    /** Capacity the buffer starts with and shrinks back to after an unusually large batch. */
    private static final int INITIAL_BYTES = 256 << 10;

    private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BYTES);

    int sizeBytes() {
        return buffer.position();
    }

    boolean isEmpty() {
        return buffer.position() == 0;
    }

    void add(WalRecord record) {
        ensureRoom(WalRecord.framedBytes(record));
        WalRecord.encodeInto(record, buffer);
    }

    /** The staged bytes, ready for a channel write; call {@link #clear()} once written. */
    ByteBuffer readable() {
        return buffer.duplicate().flip();
    }

    void clear() {
        if (buffer.capacity() > INITIAL_BYTES * 4) {
            // A huge batch (a snapshot-sized accept page) should not pin its memory forever.
            buffer = ByteBuffer.allocateDirect(INITIAL_BYTES);
        }
        buffer.clear();
    }

    private void ensureRoom(int bytes) {
        if (buffer.remaining() >= bytes) {
            return;
        }
        int needed = buffer.position() + bytes;
        ByteBuffer larger = ByteBuffer.allocateDirect(Math.max(needed, buffer.capacity() * 2));
        larger.put(buffer.duplicate().flip());
        buffer = larger;
    }
}
