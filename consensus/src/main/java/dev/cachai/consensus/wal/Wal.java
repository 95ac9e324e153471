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
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The durable Paxos log: segmented, append-only, a CRC32C on every record. Appends are buffered
 * in the OS until {@link #sync()}, so a batch of appends costs one fsync (group commit);
 * {@link #save(Ready)} writes its whole batch with one write call and at most one fdatasync.
 *
 * <p>Segments are preallocated with zeros (see {@link WalSegment}): the written part ends at the
 * first zero length, and recovery treats zeros after it as free space, not damage.
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
    /** Every fsync of every log in this process, for metrics and benchmarks (fsyncs per commit). */
    private static final LongAdder FSYNCS = new LongAdder();

    private final List<WalSegment> segments = new ArrayList<>();
    private final WalBatch batch = new WalBatch();
    private SegmentPreparer preparer;
    private HardState hardState = HardState.INITIAL;
    /**
     * A hard state that only moved the commit index, not written yet: it goes out with the next
     * write or before the next sync. A commit index needs no sync (a restart learns it again),
     * and writing it at once cost each write one more write call on the consensus loop, on every
     * member (a follower moves its commit index once per leader's notice).
     */
    private HardState deferredHardState;
    private SnapshotMarker snapshotMarker;
    private WalState recovered;
    private boolean failed;
    private long fsyncs;
    private long writeCalls;

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
        try {
            wal.recover();
        } catch (IOException | RuntimeException e) {
            wal.close();
            throw e;
        }
        return wal;
    }

    /** What was on disk when the log was opened. */
    public WalState recovered() {
        return recovered;
    }

    /** Writes the entries (one write call), not yet durable: {@link #sync()} makes them so. */
    public void append(List<Entry> entries) {
        stageEntries(entries);
        flush();
    }

    public void appendHardState(HardState state) {
        stageHardState(state);
        flush();
    }

    public void appendSnapshotMarker(SnapshotMarker marker) {
        stageSnapshotMarker(marker);
        flush();
    }

    /**
     * Writes what a {@link Ready} asks to persist in one write call, and syncs once when
     * {@link Ready#needsSync()}: a hard state that only moves the commit index is written, not synced.
     */
    public void save(Ready ready) {
        write(ready);
        if (ready.needsSync()) {
            sync();
        }
    }

    /**
     * Writes what a {@link Ready} asks to persist in one write call, without syncing: a driver
     * that syncs on another thread calls {@link #sync()} there, and touches the log from no
     * other thread until that sync returns. A Ready that needs no sync moved only the commit
     * index, which waits for the next write or sync (see {@link #deferredHardState}).
     */
    public void write(Ready ready) {
        if (!ready.needsSync()) {
            ready.hardState().ifPresent(this::deferHardState);
            return;
        }
        ready.snapshotMarker().ifPresent(this::stageSnapshotMarker);
        ready.hardState().ifPresent(this::stageHardState);
        stageEntries(ready.entriesToPersist());
        flush();
    }

    /** Makes every append so far durable: one fdatasync per segment written since the last sync. */
    public void sync() {
        checkUsable();
        writeDeferred();
        try {
            for (WalSegment segment : segments) {
                if (segment.force()) {
                    countFsync();
                }
            }
        } catch (IOException e) {
            failed = true;
            throw new WalFatalError("fsync failed in " + dir, e);
        }
    }

    /** Data fsyncs this log issued (segment creation included). */
    public long fsyncCount() {
        return fsyncs;
    }

    /** Batch writes to segment files, for tests of one write per save. */
    long writeCallCount() {
        return writeCalls;
    }

    private void countFsync() {
        fsyncs++;
        FSYNCS.increment();
    }

    /** Data fsyncs issued by every log in this process since it started (segment creation included). */
    public static long fsyncsTotal() {
        return FSYNCS.sum();
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
        try {
            if (!failed) {
                writeDeferred(); // a restart then finds the commit index where this run left it
            }
        } finally {
            for (WalSegment segment : segments) {
                segment.close();
            }
            if (preparer != null) {
                preparer.close();
            }
        }
    }

    // ---------------------------------------------------------------- internals

    private void recover() throws IOException {
        preparer = new SegmentPreparer(dir, options.segmentBytesMax());
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
            WalSegment.Scan scan = segment.scan(options, record -> {
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
            // Only the last segment can hold a torn write: a segment is synced before the next starts.
            if (!scan.zeroTail() && !isLast) {
                throw new WalCorruptionException("damaged record at byte " + scan.validEnd() + " of " + segment.path);
            }
            if (repairTail && isLast) {
                segment.openForAppend(scan, options.segmentBytesMax());
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

    private void stageEntries(List<Entry> entries) {
        for (Entry entry : entries) {
            stage(new WalRecord.EntryRecord(entry));
            active().maxEntryIndex = Math.max(active().maxEntryIndex, entry.index());
        }
    }

    private void stageHardState(HardState state) {
        hardState = state;
        deferredHardState = null; // this one supersedes it
        stage(new WalRecord.HardStateRecord(state));
    }

    private void deferHardState(HardState state) {
        checkUsable();
        hardState = state; // a segment started meanwhile opens with it
        deferredHardState = state;
    }

    private void writeDeferred() {
        if (deferredHardState != null) {
            stageDeferred();
            flush();
        }
    }

    /** Stages the deferred hard state, if any, ahead of whatever is staged next. */
    private void stageDeferred() {
        if (deferredHardState != null) {
            HardState deferred = deferredHardState;
            deferredHardState = null;
            stage(new WalRecord.HardStateRecord(deferred));
        }
    }

    private void stageSnapshotMarker(SnapshotMarker marker) {
        if (snapshotMarker == null || marker.index() > snapshotMarker.index()) {
            snapshotMarker = marker;
        }
        stage(new WalRecord.SnapshotMarkerRecord(marker));
    }

    /** Adds a record to the pending batch, first writing the batch and rolling if the segment is full. */
    private void stage(WalRecord record) {
        checkUsable();
        stageDeferred(); // before what follows, as if written at once
        int framedBytes = WalRecord.framedBytes(record);
        if (framedBytes - WalRecord.HEADER_BYTES > options.recordBytesMax()) {
            throw new IllegalArgumentException("WAL record above recordBytesMax: " + framedBytes);
        }
        long segmentBytes = active().sizeBytes + batch.sizeBytes();
        if (segmentBytes + framedBytes > options.segmentBytesMax() && segmentBytes > 0) {
            flush();
            guarded("rolling the segment failed", this::rollSegment);
        }
        batch.add(record);
    }

    /** Writes the pending batch to the active segment in one write call. */
    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        guarded("write failed", () -> active().write(batch.readable()));
        writeCalls++;
        batch.clear();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** Runs file I/O; any failure makes the log unusable (a failed write or fsync is never retried). */
    private void guarded(String what, IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            failed = true;
            batch.clear();
            throw new WalFatalError(what + " in " + dir, e);
        }
    }

    private void rollSegment() throws IOException {
        WalSegment previous = active();
        if (previous.force()) {
            countFsync();
        }
        previous.close();
        startSegment(previous.sequence + 1);
    }

    /** A new segment opens with the current hard state and marker, so older segments are optional. */
    private void startSegment(long sequence) throws IOException {
        WalSegment segment = WalSegment.create(dir, sequence, preparer);
        segments.add(segment);
        if (snapshotMarker != null) {
            segment.write(WalRecord.frame(new WalRecord.SnapshotMarkerRecord(snapshotMarker)));
        }
        segment.write(WalRecord.frame(new WalRecord.HardStateRecord(hardState)));
        if (segment.force()) {
            countFsync();
        }
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
