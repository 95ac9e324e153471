package dev.cachai.consensus.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * One segment file: a run of framed records, then zeros up to its preallocated size.
 *
 * <p>Segments are filled with zeros when created, so an fdatasync after an append flushes data
 * only: the file's size (metadata) never changes while it is written. The written part ends at
 * the first zero length.
 */
final class WalSegment {

    static final String SUFFIX = ".wal";

    /**
     * Where the written part ends, and where the last non-zero byte after it ends: beyond
     * {@code validEnd} a torn or damaged tail, which only the last segment may have.
     */
    record Scan(long validEnd, long dirtyEnd) {
        boolean zeroTail() {
            return dirtyEnd <= validEnd;
        }
    }

    final long sequence;
    final Path path;
    private FileChannel channel;
    long sizeBytes;
    long maxEntryIndex;
    boolean unsynced;

    private WalSegment(long sequence, Path path) {
        this.sequence = sequence;
        this.path = path;
    }

    static Path pathFor(Path dir, long sequence) {
        return dir.resolve(String.format("%020d%s", sequence, SUFFIX));
    }

    static WalSegment existing(Path dir, long sequence) {
        return new WalSegment(sequence, pathFor(dir, sequence));
    }

    /** Turns the zero-filled spare into this segment (its data and size are already durable). */
    static WalSegment create(Path dir, long sequence, SegmentPreparer preparer) throws IOException {
        WalSegment segment = new WalSegment(sequence, pathFor(dir, sequence));
        preparer.takeAs(segment.path);
        segment.channel = FileChannel.open(segment.path, StandardOpenOption.WRITE);
        segment.channel.position(0);
        return segment;
    }

    /**
     * Reads every record up to the first zero length or damaged record, handing each to
     * {@code sink}, and reports whether only zeros follow.
     */
    Scan scan(WalOptions options, Consumer<WalRecord> sink) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int validEnd = 0;
        while (buffer.remaining() >= WalRecord.HEADER_BYTES) {
            int start = buffer.position();
            int length = buffer.getInt();
            int crc = buffer.getInt();
            if (length <= 0 || length > options.recordBytesMax() || length > buffer.remaining()) {
                break;
            }
            if (WalRecord.crc32c(bytes, buffer.position(), length) != crc) {
                break;
            }
            WalRecord record = WalRecord.decode(ByteBuffer.wrap(bytes, buffer.position(), length).slice());
            buffer.position(start + WalRecord.HEADER_BYTES + length);
            if (record instanceof WalRecord.EntryRecord entryRecord) {
                maxEntryIndex = Math.max(maxEntryIndex, entryRecord.entry().index());
            }
            sink.accept(record);
            validEnd = buffer.position();
        }
        sizeBytes = validEnd;
        return new Scan(validEnd, nonZeroEnd(bytes));
    }

    /** The offset just after the last non-zero byte: the preallocated zeros end the file. */
    private static long nonZeroEnd(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /**
     * Opens for appending at {@code validEnd}. A torn tail after it is overwritten with zeros
     * (not truncated: the preallocation stays), and a segment shorter than
     * {@code preallocateBytes} (written before preallocation, or cut short) is extended.
     */
    void openForAppend(Scan scan, long preallocateBytes) throws IOException {
        long validEnd = scan.validEnd();
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
        long targetBytes = Math.max(validEnd, preallocateBytes);
        boolean repaired = false;
        if (channel.size() > targetBytes) {
            channel.truncate(targetBytes);
            repaired = true;
        }
        if (!scan.zeroTail()) {
            writeZeros(channel, validEnd, Math.min(scan.dirtyEnd(), channel.size()));
            repaired = true;
        }
        if (channel.size() < targetBytes) {
            writeZeros(channel, channel.size(), targetBytes);
            repaired = true;
        }
        if (repaired) {
            // Durable before new records go after validEnd: no leftover may ever read as a record.
            channel.force(true);
        }
        channel.position(validEnd);
        sizeBytes = validEnd;
    }

    private static void writeZeros(FileChannel channel, long from, long to) throws IOException {
        ZeroFill.write(channel, from, to, false);
    }

    /** Writes the buffer at the end of the written part: one write call unless the OS writes short. */
    void write(ByteBuffer framed) throws IOException {
        while (framed.hasRemaining()) {
            sizeBytes += channel.write(framed);
        }
        unsynced = true;
    }

    /** fdatasync if anything was written since the last one; returns whether it synced. */
    boolean force() throws IOException {
        if (!unsynced) {
            return false;
        }
        channel.force(false);
        unsynced = false;
        return true;
    }

    /** For tests that simulate a failing device under an open log. */
    FileChannel channel() {
        return channel;
    }

    void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
