package dev.cachai.consensus.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.Membership;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.SnapshotMarker;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {

    private static final Ballot BALLOT = new Ballot(3, 1);
    private static final WalOptions SMALL_SEGMENTS = new WalOptions(4096, 1024);

    @TempDir
    Path dir;

    @Test
    void entriesAndHardStateSurviveReopen() throws IOException {
        try (Wal wal = Wal.open(dir)) {
            wal.append(entries(1, 5, BALLOT));
            wal.appendHardState(new HardState(BALLOT, 4));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir)) {
            WalState state = wal.recovered();
            assertThat(state.hardState()).isEqualTo(new HardState(BALLOT, 4));
            assertThat(state.entries()).containsExactlyElementsOf(entries(1, 5, BALLOT));
            assertThat(wal.replay()).isEqualTo(state);
        }
    }

    @Test
    void laterAcceptOfASlotReplacesTheEarlierOne() throws IOException {
        Ballot higher = new Ballot(4, 2);
        try (Wal wal = Wal.open(dir)) {
            wal.append(entries(1, 3, BALLOT));
            wal.append(List.of(entry(2, higher, "other")));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().entries()).extracting(Entry::ballot).containsExactly(BALLOT, higher, BALLOT);
        }
    }

    @Test
    void tornTailIsCutAndAppendingContinues() throws IOException {
        try (Wal wal = Wal.open(dir)) {
            wal.append(entries(1, 3, BALLOT));
            wal.sync();
        }
        Path segment = onlySegment();
        long goodSize = Files.size(segment);
        // Half a record: a length promising more bytes than were written before the crash.
        Files.write(segment, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().entries()).hasSize(3);
            assertThat(Files.size(segment)).isEqualTo(goodSize);
            wal.append(entries(4, 4, BALLOT));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void checksumMismatchInTheTailDropsThatRecordAndWhatFollows() throws IOException {
        try (Wal wal = Wal.open(dir)) {
            wal.append(entries(1, 3, BALLOT));
            wal.sync();
        }
        Path segment = onlySegment();
        flipLastWrittenByte(segment);
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L, 2L);
        }
    }

    @Test
    void checksumMismatchBeforeTheTailIsCorruption() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            for (int i = 1; i <= 60; i++) {
                wal.append(List.of(entry(i, BALLOT, "x".repeat(100))));
            }
            wal.sync();
            assertThat(wal.segmentCount()).isGreaterThan(1);
        }
        flipLastWrittenByte(segments().get(0));
        assertThatThrownBy(() -> Wal.open(dir, SMALL_SEGMENTS)).isInstanceOf(WalCorruptionException.class);
    }

    @Test
    void snapshotMarkerLetsOldSegmentsGoWithoutLosingState() throws IOException {
        Membership membership = Membership.ofVoters(Set.of(1, 2, 3));
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            wal.appendHardState(new HardState(BALLOT, 50));
            for (int i = 1; i <= 60; i++) {
                wal.append(List.of(entry(i, BALLOT, "x".repeat(100))));
            }
            wal.appendSnapshotMarker(new SnapshotMarker(50, membership));
            wal.sync();
            int before = wal.segmentCount();
            wal.truncateBefore(51);
            assertThat(wal.segmentCount()).isLessThan(before);
        }
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            WalState state = wal.recovered();
            assertThat(state.hardState()).isEqualTo(new HardState(BALLOT, 50));
            assertThat(state.snapshot()).contains(new SnapshotMarker(50, membership));
            assertThat(state.entries()).extracting(Entry::index).containsExactlyElementsOf(range(51, 60));
            assertThat(state.toPersistentState(50).snapshot()).isPresent();
        }
    }

    @Test
    void segmentsArePreallocatedAndReopenContinuesAfterTheWrittenPart() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            wal.append(entries(1, 3, BALLOT));
            wal.sync();
        }
        Path segment = onlySegment();
        assertThat(Files.size(segment)).isEqualTo(SMALL_SEGMENTS.segmentBytesMax());
        long writtenEnd = writtenBytes(segment);
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L, 2L, 3L);
            wal.append(entries(4, 5, BALLOT));
            wal.sync();
        }
        assertThat(Files.size(segment)).isEqualTo(SMALL_SEGMENTS.segmentBytesMax());
        assertThat(writtenBytes(segment)).isGreaterThan(writtenEnd);
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    @Test
    void tornRecordInTheWrittenPartIsCutWithEverythingAfterIt() throws IOException {
        long secondRecordStart;
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            wal.append(entries(1, 1, BALLOT));
            wal.sync();
            secondRecordStart = writtenBytes(onlySegment());
            wal.append(entries(2, 4, BALLOT));
            wal.sync();
        }
        Path segment = onlySegment();
        flipByte(segment, secondRecordStart + 20);
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L);
            // Records 3 and 4 were zeroed: nothing after the cut may ever read as a record again.
            assertThat(writtenBytes(segment)).isEqualTo(secondRecordStart);
            wal.append(entries(2, 2, new Ballot(4, 1)));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(wal.recovered().entries()).extracting(Entry::ballot).containsExactly(BALLOT, new Ballot(4, 1));
        }
    }

    @Test
    void zerosAfterTheWrittenPartAreNotCorruptionEvenInOlderSegments() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            for (int i = 1; i <= 60; i++) {
                wal.append(List.of(entry(i, BALLOT, "x".repeat(100))));
            }
            wal.sync();
            assertThat(wal.segmentCount()).isGreaterThan(1);
        }
        for (Path segment : segments()) {
            assertThat(Files.size(segment)).isEqualTo(SMALL_SEGMENTS.segmentBytesMax());
        }
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactlyElementsOf(range(1, 60));
        }
    }

    @Test
    void garbageAfterZerosInAnOlderSegmentIsCorruption() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            for (int i = 1; i <= 60; i++) {
                wal.append(List.of(entry(i, BALLOT, "x".repeat(100))));
            }
            wal.sync();
        }
        Path first = segments().get(0);
        flipByte(first, Files.size(first) - 1);
        assertThatThrownBy(() -> Wal.open(dir, SMALL_SEGMENTS)).isInstanceOf(WalCorruptionException.class);
    }

    @Test
    void segmentWrittenWithoutPreallocationIsExtendedOnReopen() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            wal.append(entries(1, 2, BALLOT));
            wal.sync();
        }
        Path segment = onlySegment();
        long written = writtenBytes(segment);
        try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
            raf.setLength(written);
        }
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(Files.size(segment)).isEqualTo(SMALL_SEGMENTS.segmentBytesMax());
            wal.append(entries(3, 3, BALLOT));
            wal.sync();
        }
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void saveWritesItsWholeBatchOnceAndSyncsOnce() throws IOException {
        WalOptions options = new WalOptions(1 << 20, 1 << 16);
        Membership membership = Membership.ofVoters(Set.of(1, 2, 3));
        Ready ready = new Ready(Optional.of(new HardState(BALLOT, 7)), true, entries(1, 50, BALLOT),
                Optional.of(new SnapshotMarker(0, membership)), List.of(), List.of(), Optional.empty(), List.of(),
                List.of());
        try (Wal wal = Wal.open(dir, options)) {
            long writes = wal.writeCallCount();
            long fsyncs = wal.fsyncCount();
            wal.save(ready);
            assertThat(wal.writeCallCount() - writes).isEqualTo(1);
            assertThat(wal.fsyncCount() - fsyncs).isEqualTo(1);
        }
        try (Wal wal = Wal.open(dir, options)) {
            assertThat(wal.recovered().entries()).containsExactlyElementsOf(entries(1, 50, BALLOT));
            assertThat(wal.recovered().hardState()).isEqualTo(new HardState(BALLOT, 7));
        }
    }

    @Test
    void aCommitOnlyReadyIsWrittenWithTheNextWriteWithoutAnFsync() throws IOException {
        try (Wal wal = Wal.open(dir)) {
            wal.append(entries(1, 3, BALLOT));
            wal.sync();
            long fsyncs = wal.fsyncCount();
            long writes = wal.writeCallCount();
            wal.save(commitOnly(3));
            assertThat(wal.fsyncCount()).isEqualTo(fsyncs);
            assertThat(wal.writeCallCount()).as("deferred to the next write").isEqualTo(writes);
            wal.append(entries(4, 4, BALLOT));
            assertThat(wal.writeCallCount()).as("one call for both").isEqualTo(writes + 1);
        }
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().hardState()).isEqualTo(new HardState(BALLOT, 3));
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void aDeferredCommitIndexIsWrittenBySyncAndByClose() throws IOException {
        try (Wal wal = Wal.open(dir)) {
            wal.append(entries(1, 5, BALLOT));
            wal.save(commitOnly(2));
            long writes = wal.writeCallCount();
            wal.sync();
            assertThat(wal.writeCallCount()).isEqualTo(writes + 1);
            wal.save(commitOnly(4));
        }
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().hardState()).isEqualTo(new HardState(BALLOT, 4));
        }
    }

    @Test
    void aLaterHardStateSupersedesADeferredOne() throws IOException {
        Ready promise = new Ready(Optional.of(new HardState(BALLOT, 5)), true, entries(4, 5, BALLOT), Optional.empty(),
                List.of(), List.of(), Optional.empty(), List.of(), List.of());
        try (Wal wal = Wal.open(dir)) {
            wal.append(entries(1, 3, BALLOT));
            wal.save(commitOnly(3));
            long writes = wal.writeCallCount();
            wal.save(promise);
            assertThat(wal.writeCallCount()).isEqualTo(writes + 1);
        }
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().hardState()).isEqualTo(new HardState(BALLOT, 5));
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    private static Ready commitOnly(long commitIndex) {
        return new Ready(Optional.of(new HardState(BALLOT, commitIndex)), false, List.of(), Optional.empty(),
                List.of(), List.of(), Optional.empty(), List.of(), List.of());
    }

    @Test
    void halfWrittenSpareSegmentLeftByACrashIsReplaced() throws IOException {
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            wal.append(entries(1, 2, BALLOT));
            wal.sync();
        }
        Files.write(dir.resolve(SegmentPreparer.SPARE_NAME), new byte[] {1, 2, 3});
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            for (int i = 3; i <= 60; i++) {
                wal.append(List.of(entry(i, BALLOT, "x".repeat(100))));
            }
            wal.sync();
            assertThat(wal.segmentCount()).isGreaterThan(1);
        }
        for (Path segment : segments()) {
            assertThat(Files.size(segment)).isEqualTo(SMALL_SEGMENTS.segmentBytesMax());
        }
        try (Wal wal = Wal.open(dir, SMALL_SEGMENTS)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactlyElementsOf(range(1, 60));
        }
    }

    @Test
    void failedWriteStopsTheLog() throws IOException {
        Wal wal = Wal.open(dir);
        wal.activeSegment().channel().close();
        assertThatThrownBy(() -> wal.append(entries(1, 1, BALLOT))).isInstanceOf(WalFatalError.class);
        assertThatThrownBy(wal::sync).isInstanceOf(WalFatalError.class);
        wal.close();
    }

    /** The length of the written part: up to the last non-zero byte, as records never end in zeros here. */
    private static long writtenBytes(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0xFF);
        }
    }

    private Path onlySegment() throws IOException {
        List<Path> all = segments();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
        }
    }

    /** Flips the last byte of the written part (the preallocated zeros follow it). */
    private static void flipLastWrittenByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int last = bytes.length - 1;
        while (bytes[last] == 0) {
            last--;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(last);
            raf.write(bytes[last] ^ 0xFF);
        }
    }

    private static List<Entry> entries(long from, long to, Ballot ballot) {
        List<Entry> entries = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            entries.add(entry(i, ballot, "cmd" + i));
        }
        return entries;
    }

    private static Entry entry(long index, Ballot ballot, String data) {
        return new Entry(index, ballot, EntryKind.COMMAND, data.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Long> range(long from, long to) {
        List<Long> all = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            all.add(i);
        }
        return all;
    }
}
