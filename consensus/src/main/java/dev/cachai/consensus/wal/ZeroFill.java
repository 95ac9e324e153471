package dev.cachai.consensus.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Runs of zeros written into a file: preallocated WAL segments, cleared torn tails. */
public final class ZeroFill {
    /** Zeros written per call (and synced per chunk when asked). */
    public static final int CHUNK_BYTES = 1 << 20;

    private ZeroFill() {}

    /**
     * Writes zeros over [{@code from}, {@code to}). With {@code syncEachChunk} every chunk is
     * fdatasync'ed before the next is written, so the data reaches the device a chunk at a time
     * instead of in one burst that other files' fsyncs on the same device would queue behind.
     */
    public static void write(FileChannel channel, long from, long to, boolean syncEachChunk) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK_BYTES);
        for (long at = from; at < to; at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - at));
            while (zeros.hasRemaining()) {
                channel.write(zeros, at + zeros.position());
            }
            if (syncEachChunk) {
                channel.force(false);
            }
        }
    }
}
