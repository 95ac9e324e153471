package dev.cachai.migration.datadir;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.SnapshotMarker;
import dev.cachai.consensus.wal.Wal;
import dev.cachai.consensus.wal.WalOptions;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.server.storage.DataDir;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A new node's data directory, written offline with the server's own classes: the engine state as a snapshot
 * covering log index {@link #SNAPSHOT_INDEX}, and a consensus log holding only that snapshot's marker (with the new
 * cluster's membership) and a hard state committed through it. That is what a node leaves after taking a snapshot
 * and compacting its log, so a server restarts from it the usual way and every member started from a copy holds
 * the same chosen state and membership; the log goes on at the next index.
 *
 * <p>Only a new or empty directory is written. The log goes first and the snapshot last, written aside and renamed
 * into place: until it is there, the server refuses the directory (its log was compacted through a snapshot it
 * cannot find), so a bootstrap cut short is never started as an empty node. A run that fails removes what it wrote.
 */
public final class DataDirTarget implements AutoCloseable {
    /** The log slot the snapshot covers: the copy counts as the new cluster's first chosen entry. */
    static final long SNAPSHOT_INDEX = 1;
    /**
     * Segment size of the log written here: a few records. The server extends a segment to its own size when it
     * opens the log, so every copy of the directory stays small.
     */
    static final WalOptions LOG_OPTIONS = new WalOptions(64 << 10, 16 << 10);
    /** Entries named in the error about a non-empty target. */
    static final int NAMES_SHOWN_MAX = 5;

    private final Path dir;
    private final ClusterIdentity cluster;
    private final boolean createdDir;
    private final DataDir dataDir;
    private boolean written;

    private DataDirTarget(Path dir, ClusterIdentity cluster, boolean createdDir, DataDir dataDir) {
        this.dir = dir;
        this.cluster = cluster;
        this.createdDir = createdDir;
        this.dataDir = dataDir;
    }

    /** Checks and locks the target and writes its log; fails with a clear message before anything is read. */
    public static DataDirTarget open(Path dir, ClusterIdentity cluster) {
        boolean created = createEmpty(dir);
        DataDir dataDir;
        try {
            dataDir = DataDir.open(dir);
        } catch (UncheckedIOException | IllegalStateException e) {
            removeWritten(dir, created);
            throw new MigrationException("cannot use data dir " + dir + ": " + reason(e));
        }
        DataDirTarget target = new DataDirTarget(dir, cluster, created, dataDir);
        try {
            target.writeLog();
        } catch (RuntimeException e) {
            target.close();
            throw new MigrationException("cannot write the consensus log in " + dir + ": " + reason(e));
        }
        return target;
    }

    /** The directory as given: created (with its parents) when absent, refused unless empty. */
    private static boolean createEmpty(Path dir) {
        if (Files.isDirectory(dir)) {
            List<String> names = entries(dir);
            if (!names.isEmpty()) {
                throw new MigrationException("target data dir " + dir + " is not empty (" + String.join(", ", names)
                        + "): a bootstrap writes only a new or empty directory; remove it or name another");
            }
            return false;
        }
        if (Files.exists(dir)) {
            throw new MigrationException("target data dir " + dir + " exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
            return true;
        } catch (IOException e) {
            throw new MigrationException("cannot create data dir " + dir + ": " + reason(e));
        }
    }

    private static List<String> entries(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            return names.size() <= NAMES_SHOWN_MAX ? names
                    : Stream.concat(names.stream().limit(NAMES_SHOWN_MAX), Stream.of("...")).toList();
        } catch (IOException e) {
            throw new MigrationException("cannot read target data dir " + dir + ": " + reason(e));
        }
    }

    private void writeLog() {
        try (Wal wal = Wal.open(dataDir.paxosDir(), LOG_OPTIONS)) {
            wal.appendSnapshotMarker(new SnapshotMarker(SNAPSHOT_INDEX, cluster.membership()));
            wal.appendHardState(new HardState(Ballot.ZERO, SNAPSHOT_INDEX));
            wal.sync();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the engine's state as the snapshot the log names; from then on the directory is complete. */
    void write(BootstrapEngine engine) {
        try (EngineSnapshot snapshot = engine.snapshot(SNAPSHOT_INDEX)) {
            snapshot.writeTo(dataDir.snapshotFile(SNAPSHOT_INDEX));
            syncDirectory(dir);
            syncDirectory(dir.toAbsolutePath().getParent());
            written = true;
        } catch (UncheckedIOException e) {
            throw new MigrationException("cannot write the snapshot in " + dir + ": " + reason(e));
        }
    }

    /** Writes the snapshot, then says what was copied at what rate (the write included) and how to start on it. */
    public void finish(BootstrapEngine engine, Progress progress, String unit, PrintStream err) {
        progress.finish();
        long writeStarted = System.nanoTime();
        write(engine);
        err.printf("copied %d %s in %.1f s (%.0f keys/s) into data dir %s (snapshot of %d keys at revision %d written "
                        + "in %.1f s)%n", progress.done(), unit, progress.elapsedSeconds(), progress.rate(), dir,
                engine.keyCount(), engine.revision(), (System.nanoTime() - writeStarted) / 1e9);
        err.println(cluster.startHint(dir.toString()));
    }

    /** Releases the directory; when the snapshot was not written, removes everything this run put there. */
    @Override
    public void close() {
        dataDir.close();
        if (!written) {
            removeWritten(dir, createdDir);
        }
    }

    /** The directory was empty (or absent) when this run began, so all it holds now is this run's. */
    private static void removeWritten(Path dir, boolean createdDir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (createdDir || !p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("warning: could not remove the partly written " + dir + ": " + reason(e)
                    + "; remove it before running again");
        }
    }

    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + dir, e);
        }
    }

    /** One line for a file-system failure, naming what the JDK's exception types only imply. */
    static String reason(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof FileAlreadyExistsException) {
            return t.getMessage() + " is in the way (a file where a directory is needed)";
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied on " + t.getMessage();
        }
        if (t instanceof NoSuchFileException) {
            return "no such file or directory: " + t.getMessage();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null
                ? message + " (" + t.getCause().getMessage() + ")" : message;
    }
}
