package dev.cachai.consensus.wal;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.SnapshotMarker;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The durable Paxos log: segmented, append-only, a CRC32C on every record. Appends are buffered
 * in the OS until {@link #sync()}, so a batch of appends costs one fsync (group commit).
 *
 * <p>Replay keeps, per slot, the last entry written (an acceptor overwrites a slot when it
 * accepts a higher ballot), the last hard state and the latest snapshot marker. Every segment
 * starts with the current hard state and marker, so dropping old segments never loses them.
 *
 * <p>Not thread-safe: the driver owns it.
 */
public final class Wal implements Closeable {

    private final Path dir;
    private final WalOptions options;
    private final List<WalSegment> segments = new ArrayList<>();
    private HardState hardState = HardState.INITIAL;
    private SnapshotMarker snapshotMarker;
    private WalState recovered;
    private boolean failed;

    private Wal(Path dir, WalOptions options) {
        this.dir = dir;
        this.options = options;
    }

    public static Wal open(Path dir) throws IOException {
        return open(dir, WalOptions.DEFAULTS);
    }

    /** Opens or creates the log in {@code dir}, cutting off a torn tail left by a crash. */
    public static Wal open(Path dir, WalOptions options) throws IOException {
        Files.createDirectories(dir);
        Wal wal = new Wal(dir, options);
        wal.recover();
        return wal;
    }

    /** What was on disk when the log was opened. */
    public WalState recovered() {
        return recovered;
    }

    public void append(List<Entry> entries) {
        for (Entry entry : entries) {
            write(new WalRecord.EntryRecord(entry));
            active().maxEntryIndex = Math.max(active().maxEntryIndex, entry.index());
        }
    }

    public void appendHardState(HardState state) {
        hardState = state;
        write(new WalRecord.HardStateRecord(state));
    }

    public void appendSnapshotMarker(SnapshotMarker marker) {
        if (snapshotMarker == null || marker.index() > snapshotMarker.index()) {
            snapshotMarker = marker;
        }
        write(new WalRecord.SnapshotMarkerRecord(marker));
    }

    /** Writes what a {@link Ready} asks to persist and syncs once. */
    public void save(Ready ready) {
        ready.snapshotMarker().ifPresent(this::appendSnapshotMarker);
        ready.hardState().ifPresent(this::appendHardState);
        append(ready.entriesToPersist());
        if (ready.needsSync()) {
            sync();
        }
    }

    /** Makes every append so far durable: one fsync per segment written since the last sync. */
    public void sync() {
        checkUsable();
        try {
            for (WalSegment segment : segments) {
                segment.force();
            }
        } catch (IOException e) {
            failed = true;
            throw new WalFatalError("fsync failed in " + dir, e);
        }
    }

    /** Reads the whole log again from disk. */
    public WalState replay() throws IOException {
        checkUsable();
        sync();
        return readAll(false);
    }

    /**
     * Deletes the segments that hold only slots below {@code index}; call it once a snapshot
     * marker at {@code index - 1} or later is durable. The active segment is always kept.
     */
    public void truncateBefore(long index) {
        checkUsable();
        try {
            while (segments.size() > 1 && segments.get(0).maxEntryIndex < index) {
                WalSegment oldest = segments.remove(0);
                oldest.close();
                Files.delete(oldest.path);
            }
        } catch (IOException e) {
            failed = true;
            throw new WalFatalError("deleting old segments failed in " + dir, e);
        }
    }

    public int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() throws IOException {
        for (WalSegment segment : segments) {
            segment.close();
        }
    }

    // ---------------------------------------------------------------- internals

    private void recover() throws IOException {
        List<Long> sequences = existingSequences();
        for (long sequence : sequences) {
            segments.add(WalSegment.existing(dir, sequence));
        }
        recovered = readAll(true);
        hardState = recovered.hardState();
        snapshotMarker = recovered.snapshot().orElse(null);
        if (segments.isEmpty()) {
            startSegment(1);
        }
    }

    private WalState readAll(boolean repairTail) throws IOException {
        TreeMap<Long, Entry> entries = new TreeMap<>();
        HardState[] lastHardState = {HardState.INITIAL};
        SnapshotMarker[] lastMarker = {null};
        for (int i = 0; i < segments.size(); i++) {
            WalSegment segment = segments.get(i);
            long validEnd = segment.scan(options, record -> {
                if (record instanceof WalRecord.EntryRecord r) {
                    entries.put(r.entry().index(), r.entry());
                } else if (record instanceof WalRecord.HardStateRecord r) {
                    lastHardState[0] = r.hardState();
                } else if (record instanceof WalRecord.SnapshotMarkerRecord r) {
                    if (lastMarker[0] == null || r.marker().index() > lastMarker[0].index()) {
                        lastMarker[0] = r.marker();
                    }
                }
            });
            boolean isLast = i == segments.size() - 1;
            if (validEnd < segment.fileBytes() && !isLast) {
                throw new WalCorruptionException("damaged record at byte " + validEnd + " of " + segment.path);
            }
            if (repairTail && isLast) {
                segment.openForAppend(validEnd);
            }
        }
        if (lastMarker[0] != null) {
            entries.headMap(lastMarker[0].index(), true).clear();
        }
        return new WalState(lastHardState[0], new ArrayList<>(entries.values()), Optional.ofNullable(lastMarker[0]));
    }

    private List<Long> existingSequences() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(WalSegment.SUFFIX))
                    .map(name -> Long.parseLong(name.substring(0, name.length() - WalSegment.SUFFIX.length())))
                    .sorted()
                    .toList();
        }
    }

    private void write(WalRecord record) {
        checkUsable();
        var framed = WalRecord.frame(record);
        if (framed.remaining() - WalRecord.HEADER_BYTES > options.recordBytesMax()) {
            throw new IllegalArgumentException("WAL record above recordBytesMax: " + framed.remaining());
        }
        try {
            if (active().sizeBytes + framed.remaining() > options.segmentBytesMax() && active().sizeBytes > 0) {
                rollSegment();
            }
            active().write(framed);
        } catch (IOException e) {
            failed = true;
            throw new WalFatalError("write failed in " + dir, e);
        }
    }

    private void rollSegment() throws IOException {
        WalSegment previous = active();
        previous.force();
        previous.close();
        startSegment(previous.sequence + 1);
    }

    /** A new segment opens with the current hard state and marker, so older segments are optional. */
    private void startSegment(long sequence) throws IOException {
        WalSegment segment = WalSegment.create(dir, sequence);
        segments.add(segment);
        if (snapshotMarker != null) {
            segment.write(WalRecord.frame(new WalRecord.SnapshotMarkerRecord(snapshotMarker)));
        }
        segment.write(WalRecord.frame(new WalRecord.HardStateRecord(hardState)));
        segment.force();
        syncDirectory();
    }

    /** A new file's name is durable only once its directory is synced. */
    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** For tests that break the file underneath the log. */
    WalSegment activeSegment() {
        return active();
    }

    private WalSegment active() {
        return segments.get(segments.size() - 1);
    }

    private void checkUsable() {
        if (failed) {
            throw new WalFatalError("WAL in " + dir + " failed earlier; restart the node", null);
        }
    }
}
