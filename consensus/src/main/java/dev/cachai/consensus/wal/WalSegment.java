package dev.cachai.consensus.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/** One append-only segment file: a run of framed records. */
final class WalSegment {

    static final String SUFFIX = ".wal";

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

    static WalSegment create(Path dir, long sequence) throws IOException {
        WalSegment segment = new WalSegment(sequence, pathFor(dir, sequence));
        segment.channel = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return segment;
    }

    /**
     * Reads every record, handing each to {@code sink}. Returns the offset where valid data ends,
     * which is less than the file size when the tail is torn or damaged.
     */
    long scan(WalOptions options, Consumer<WalRecord> sink) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long validEnd = 0;
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
        return validEnd;
    }

    long fileBytes() throws IOException {
        return Files.size(path);
    }

    /** Opens for appending after {@code validEnd}, cutting off whatever follows it. */
    void openForAppend(long validEnd) throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
        channel.truncate(validEnd);
        channel.position(validEnd);
        sizeBytes = validEnd;
    }

    void write(ByteBuffer framed) throws IOException {
        while (framed.hasRemaining()) {
            sizeBytes += channel.write(framed);
        }
        unsynced = true;
    }

    void force() throws IOException {
        if (unsynced) {
            channel.force(false);
            unsynced = false;
        }
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
