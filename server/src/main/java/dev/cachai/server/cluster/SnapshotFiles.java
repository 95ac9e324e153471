package dev.cachai.server.cluster;

import dev.cachai.consensus.SnapshotSource;
import dev.cachai.server.storage.DataDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Engine snapshot files as consensus sees them: the newest file's bytes are what a lagging
 * follower is sent. The bytes of one snapshot are read once and kept until a newer one exists.
 */
final class SnapshotFiles implements SnapshotSource {
    private final DataDir dataDir;
    private SnapshotData cached;

    SnapshotFiles(DataDir dataDir) {
        this.dataDir = dataDir;
    }

    @Override
    public synchronized Optional<SnapshotData> latest() {
        Optional<Long> index = dataDir.newestSnapshotIndex();
        if (index.isEmpty()) {
            return Optional.empty();
        }
        if (cached == null || cached.index() != index.get()) {
            try {
                cached = new SnapshotData(index.get(), Files.readAllBytes(dataDir.snapshotFile(index.get())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read snapshot " + index.get(), e);
            }
        }
        return Optional.of(cached);
    }
}
