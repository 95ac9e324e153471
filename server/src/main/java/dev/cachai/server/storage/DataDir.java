package dev.cachai.server.storage;

import dev.cachai.engine.Engine;
import dev.cachai.engine.EngineLimits;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.engine.StorageFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The layout of a node's data directory: {@code paxos/} (the consensus log), {@code snap/}
 * (snapshots named by the log index they cover), {@code member} (which member of which cluster)
 * and a lock file so two processes never share it. {@code wal/} held the single-node log of
 * older versions; it is only looked at, to refuse such a data dir.
 */
public final class DataDir implements AutoCloseable, StorageFiles {
    private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);
    private static final String SNAP_SUFFIX = ".snap";
    /** Snapshots kept besides the newest, in case the newest turns out unreadable. */
    private static final int SNAPSHOTS_KEPT = 2;

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    public static DataDir open(Path root) {
        try {
            Files.createDirectories(root.resolve("snap"));
            FileChannel ch = FileChannel.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new IllegalStateException("data dir " + root + " is in use by another process");
            }
            return new DataDir(root, ch, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open data dir " + root, e);
        }
    }

    /** The data directory itself. */
    public Path root() {
        return root;
    }

    public Path walDir() {
        return root.resolve("wal");
    }

    /** The consensus log. */
    public Path paxosDir() {
        return root.resolve("paxos");
    }

    @Override
    public String snapshotDir() {
        return root.resolve("snap").toAbsolutePath().toString();
    }

    @Override
    public long snapshotBytes() {
        return bytesUnder(root.resolve("snap"));
    }

    @Override
    public String logDir() {
        return paxosDir().toAbsolutePath().toString();
    }

    @Override
    public long logBytes() {
        return bytesUnder(paxosDir());
    }

    /**
     * The lengths of the files under {@code dir}, as ZooKeeper sums them for its dirs word; a
     * file removed while it is counted (a purge) counts 0, and a directory that cannot be read
     * counts what was read of it.
     */
    static long bytesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long sum = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                sum += lengthOf(f);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not measure {} completely", dir, e);
        }
        return sum;
    }

    private static long lengthOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The log index covered by the newest snapshot file, if there is one. */
    public Optional<Long> newestSnapshotIndex() {
        return newestSnapshotIndex(root);
    }

    /** As {@link #newestSnapshotIndex()}, for a data directory another process (or node) holds. */
    public static Optional<Long> newestSnapshotIndex(Path root) {
        List<Path> snaps = snapshots(root);
        if (snaps.isEmpty()) {
            return Optional.empty();
        }
        String name = snaps.get(snaps.size() - 1).getFileName().toString();
        return Optional.of(Long.parseLong(name.substring(0, name.length() - SNAP_SUFFIX.length())));
    }

    /** Stores snapshot bytes received from the leader: written aside, fsynced, then renamed into place. */
    public Path writeSnapshotBytes(long appliedIndex, byte[] data) {
        Path target = snapshotFile(appliedIndex);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot " + tmp, e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install snapshot " + target, e);
        }
        return target;
    }

    public Path snapshotFile(long appliedIndex) {
        return root.resolve("snap").resolve(String.format("%020d%s", appliedIndex, SNAP_SUFFIX));
    }

    /** The engine from the newest readable snapshot, or a fresh engine (applied index 0). */
    public EngineSnapshot.Restored loadNewestSnapshot(EngineLimits limits) {
        List<Path> snaps = snapshots(root);
        for (int i = snaps.size() - 1; i >= 0; i--) {
            try {
                EngineSnapshot.Restored r = EngineSnapshot.restore(snaps.get(i), limits);
                LOG.info("restored snapshot {} (revision {}, log index {})", snaps.get(i).getFileName(),
                        r.revision(), r.appliedIndex());
                return r;
            } catch (RuntimeException e) {
                LOG.warn("snapshot {} is unreadable, trying an older one", snaps.get(i), e);
            }
        }
        Engine fresh = new Engine(limits);
        return new EngineSnapshot.Restored(fresh, fresh.revision(), 0);
    }

    /** Removes snapshots older than the newest few; leftovers of interrupted writes too. */
    public void purgeSnapshots() {
        List<Path> snaps = snapshots(root);
        try {
            for (int i = 0; i < snaps.size() - SNAPSHOTS_KEPT; i++) {
                Files.deleteIfExists(snaps.get(i));
            }
            try (Stream<Path> files = Files.list(root.resolve("snap"))) {
                for (Path p : files.filter(p -> p.toString().endsWith(".tmp")).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot purge old snapshots", e);
        }
    }

    private static List<Path> snapshots(Path root) {
        try (Stream<Path> files = Files.list(root.resolve("snap"))) {
            List<Path> out = new ArrayList<>(files.filter(p -> p.getFileName().toString().endsWith(SNAP_SUFFIX)).toList());
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("cannot release data dir lock", e);
        }
    }
}
