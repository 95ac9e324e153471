package dev.cachai.server.cluster;

import dev.cachai.consensus.SnapshotSource;
import dev.cachai.server.storage.DataDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Engine snapshot files as consensus sees them: the newest file is what a lagging follower is
 * sent, read chunk by chunk from disk. Its checksum is computed once per snapshot.
 */
final class SnapshotFiles implements SnapshotSource {
    /** Read buffer for checksumming a whole snapshot file. */
    private static final int CHECKSUM_BUFFER_BYTES = 1 << 16;

    private final DataDir dataDir;
    private SnapshotInfo cached;

    SnapshotFiles(DataDir dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public synchronized Optional<SnapshotInfo> latest() {
        Optional<Long> index = dataDir.newestSnapshotIndex();
        if (index.isEmpty()) {
            return Optional.empty();
        }
        if (cached == null || cached.index() != index.get()) {
            cached = describe(index.get(), dataDir.snapshotFile(index.get()));
        }
        return Optional.of(cached);
    }

    @Override
    public byte[] read(long index, long offset, int length) {
        try (FileChannel ch = FileChannel.open(dataDir.snapshotFile(index), StandardOpenOption.READ)) {
            long available = Math.max(0, ch.size() - offset);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, available));
            while (buffer.hasRemaining() && ch.read(buffer, offset + buffer.position()) >= 0) {
                // positional reads until the chunk is full or the file ends
            }
            return buffer.position() == buffer.capacity() ? buffer.array()
                    : Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + index, e);
        }
    }

    private static SnapshotInfo describe(long index, Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocate(CHECKSUM_BUFFER_BYTES);
            while (ch.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
            return new SnapshotInfo(index, ch.size(), (int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + file, e);
        }
    }
}
