package dev.cachai.server.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The single-node command log: segment files of records {length, CRC32C, bytes}. Appends are
 * buffered and made durable by {@link #sync()} (one fsync per batch: group commit). Recovery
 * replays every record and cuts a torn or corrupt tail of the last segment.
 *
 * <p>Segments are preallocated with zeros when created, so an fsync only flushes data and not
 * the file's growing size (several times more fsyncs per second on ext4). A zero length marks
 * the end of the written part: records are never empty.
 */
public final class CommandLog implements AutoCloseable {
    static final int HEADER_BYTES = 8;
    private static final String SUFFIX = ".wal";

    private final Path dir;
    private final long segmentBytesMax;
    private final int recordBytesMax;
    private FileChannel current;
    private long currentFirstIndex;
    private long nextIndex;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    /** Where the written part of the last segment ends, found by recovery. */
    private long lastValidBytes;

    private CommandLog(Path dir, long segmentBytesMax, int recordBytesMax) {
        this.dir = dir;
        this.segmentBytesMax = segmentBytesMax;
        this.recordBytesMax = recordBytesMax;
    }

    /**
     * Opens (or creates) the log in {@code dir}, handing every durable record with index
     * >= {@code fromIndex} to {@code replay} in order. Indexes start at 1.
     */
    public static CommandLog open(Path dir, long segmentBytesMax, int recordBytesMax, long fromIndex,
                                  Consumer<byte[]> replay) {
        try {
            Files.createDirectories(dir);
            CommandLog log = new CommandLog(dir, segmentBytesMax, recordBytesMax);
            log.recover(fromIndex, replay);
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open command log in " + dir, e);
        }
    }

    /** The index the next appended record gets. */
    public long nextIndex() {
        return nextIndex;
    }

    private void recover(long fromIndex, Consumer<byte[]> replay) throws IOException {
        List<Long> firsts = segmentFirstIndexes();
        nextIndex = firsts.isEmpty() ? 1 : firsts.get(0);
        for (int i = 0; i < firsts.size(); i++) {
            boolean last = i == firsts.size() - 1;
            Path file = segmentPath(firsts.get(i));
            long validBytes = replaySegment(file, fromIndex, replay);
            if (!zeroFrom(file, validBytes)) {
                if (!last) {
                    throw new IOException("corrupt record in the middle of the log: " + file);
                }
                clearTail(file, validBytes);
            }
            if (last) {
                lastValidBytes = validBytes;
            }
        }
        if (firsts.isEmpty()) {
            openSegment(nextIndex);
        } else {
            currentFirstIndex = firsts.get(firsts.size() - 1);
            current = FileChannel.open(segmentPath(currentFirstIndex), StandardOpenOption.WRITE);
            current.position(lastValidBytes);
        }
    }

    /** Whether the file holds only zeros (preallocation) from {@code pos} to its end. */
    private static boolean zeroFrom(Path file, long pos) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long at = pos;
            while (at < ch.size()) {
                buf.clear();
                int n = ch.read(buf, at);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) != 0) {
                        return false;
                    }
                }
                at += n;
            }
            return true;
        }
    }

    /** Zeros a torn tail so no leftover of it can ever read as a record again. */
    private static void clearTail(Path file, long pos) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
            for (long at = pos; at < ch.size(); at += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), ch.size() - at));
                while (zeros.hasRemaining()) {
                    ch.write(zeros, at + zeros.position());
                }
            }
            ch.force(true);
        }
    }

    private long replaySegment(Path file, long fromIndex, Consumer<byte[]> replay) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES);
            while (pos + HEADER_BYTES <= size) {
                head.clear();
                readFully(ch, head, pos);
                int length = head.getInt(0);
                int crc = head.getInt(4);
                if (length <= 0 || length > recordBytesMax || pos + HEADER_BYTES + length > size) {
                    return pos;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(ch, body, pos + HEADER_BYTES);
                if (crcOf(body.array()) != crc) {
                    return pos;
                }
                if (nextIndex >= fromIndex) {
                    replay.accept(body.array());
                }
                nextIndex++;
                pos += HEADER_BYTES + length;
            }
            return pos;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new IOException("unexpected end of segment");
            }
        }
        buf.flip();
    }

    /** Appends a record (not yet durable); returns its index. */
    public long append(byte[] record) {
        if (record.length > recordBytesMax) {
            throw new IllegalArgumentException("record of " + record.length + " bytes exceeds " + recordBytesMax);
        }
        try {
            if (current.position() + HEADER_BYTES + record.length > segmentBytesMax && current.position() > 0) {
                roll();
            }
            header.clear();
            header.putInt(record.length).putInt(crcOf(record)).flip();
            ByteBuffer[] parts = {header, ByteBuffer.wrap(record)};
            while (parts[1].hasRemaining()) {
                current.write(parts);
            }
            return nextIndex++;
        } catch (IOException e) {
            throw new LogFailure("append failed", e);
        }
    }

    /**
     * Appends a batch with as few writes as the segment allows (one gathering write per
     * segment); returns the index of the first record. Not yet durable: call {@link #sync()}.
     */
    public long appendAll(List<byte[]> records) {
        long firstIndex = nextIndex;
        int i = 0;
        try {
            while (i < records.size()) {
                int end = i;
                long bytes = current.position();
                while (end < records.size()
                        && (end == i || bytes + HEADER_BYTES + records.get(end).length <= segmentBytesMax)) {
                    bytes += HEADER_BYTES + records.get(end).length;
                    end++;
                }
                if (end == i + 1) {
                    append(records.get(i));
                    i++;
                    continue;
                }
                writeGathered(records.subList(i, end));
                i = end;
            }
        } catch (IOException e) {
            throw new LogFailure("append failed", e);
        }
        return firstIndex;
    }

    private void writeGathered(List<byte[]> batch) throws IOException {
        int total = 0;
        for (byte[] r : batch) {
            if (r.length > recordBytesMax) {
                throw new IllegalArgumentException("record of " + r.length + " bytes exceeds " + recordBytesMax);
            }
            total += HEADER_BYTES + r.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (byte[] r : batch) {
            buf.putInt(r.length).putInt(crcOf(r)).put(r);
        }
        buf.flip();
        while (buf.hasRemaining()) {
            current.write(buf);
        }
        nextIndex += batch.size();
    }

    /** Makes every appended record durable. An fsync failure is fatal: the node must stop. */
    public void sync() {
        try {
            current.force(false);
        } catch (IOException e) {
            throw new LogFailure("fsync failed", e);
        }
    }

    /** Deletes whole segments whose records all lie below {@code index} (they are in a snapshot). */
    public void truncateBefore(long index) {
        try {
            List<Long> firsts = segmentFirstIndexes();
            for (int i = 0; i + 1 < firsts.size(); i++) {
                if (firsts.get(i + 1) <= index) {
                    Files.deleteIfExists(segmentPath(firsts.get(i)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void roll() throws IOException {
        current.force(false);
        current.close();
        openSegment(nextIndex);
    }

    private void openSegment(long firstIndex) throws IOException {
        currentFirstIndex = firstIndex;
        current = FileChannel.open(segmentPath(firstIndex), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        preallocate(current, segmentBytesMax);
        current.position(0);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static void preallocate(FileChannel ch, long bytes) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        for (long at = ch.size(); at < bytes; at += zeros.capacity()) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
            while (zeros.hasRemaining()) {
                ch.write(zeros, at + zeros.position());
            }
        }
        ch.force(true);
    }

    private Path segmentPath(long firstIndex) {
        return dir.resolve(String.format("%020d%s", firstIndex, SUFFIX));
    }

    private List<Long> segmentFirstIndexes() throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                    .forEach(n -> out.add(Long.parseLong(n.substring(0, n.length() - SUFFIX.length()))));
        }
        out.sort(Long::compare);
        return out;
    }

    static int crcOf(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        return (int) crc.getValue();
    }

    @Override
    public void close() {
        try {
            current.force(false);
            current.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log could not be written or synced; the node stops rather than risk losing acknowledged writes. */
    public static final class LogFailure extends RuntimeException {
        LogFailure(String message, IOException cause) {
            super(message, cause);
        }
    }
}
