package dev.cachai.server;

import dev.cachai.server.log.CommandLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLogTest {
    private static List<String> replay(Path dir, long from) {
        List<String> out = new ArrayList<>();
        CommandLog.open(dir, 1 << 20, 1 << 16, from, r -> out.add(new String(r))).close();
        return out;
    }

    @Test
    void recordsSurviveReopenInOrder(@TempDir Path dir) {
        try (CommandLog log = CommandLog.open(dir, 1 << 20, 1 << 16, 1, r -> { })) {
            for (int i = 1; i <= 5; i++) {
                assertThat(log.append(("r" + i).getBytes())).isEqualTo(i);
            }
            log.sync();
        }
        assertThat(replay(dir, 1)).containsExactly("r1", "r2", "r3", "r4", "r5");
        assertThat(replay(dir, 4)).containsExactly("r4", "r5");
    }

    @Test
    void tornTailIsTruncatedAndAppendsContinue(@TempDir Path dir) throws Exception {
        try (CommandLog log = CommandLog.open(dir, 1 << 20, 1 << 16, 1, r -> { })) {
            log.append("first".getBytes());
            log.append("second".getBytes());
            log.sync();
        }
        Path segment = onlySegment(dir);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            // "first" ends at 8 + 5 bytes, "second" at 13 + 8 + 6: tear the last 3 bytes of "second"
            f.seek(24);
            f.write(new byte[3]);
        }
        assertThat(replay(dir, 1)).containsExactly("first");
        try (CommandLog log = CommandLog.open(dir, 1 << 20, 1 << 16, 1, r -> { })) {
            assertThat(log.append("third".getBytes())).isEqualTo(2);
            log.sync();
        }
        assertThat(replay(dir, 1)).containsExactly("first", "third");
    }

    @Test
    void corruptRecordStopsReplayThere(@TempDir Path dir) throws Exception {
        try (CommandLog log = CommandLog.open(dir, 1 << 20, 1 << 16, 1, r -> { })) {
            log.append("good".getBytes());
            log.append("flipped".getBytes());
            log.sync();
        }
        Path segment = onlySegment(dir);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            // "good" ends at 8 + 4 bytes; the last byte of "flipped" is at 12 + 8 + 7 - 1
            f.seek(26);
            f.write('X');
        }
        assertThat(replay(dir, 1)).containsExactly("good");
    }

    @Test
    void segmentsArePreallocatedAndReopenContinuesAfterTheWrittenPart(@TempDir Path dir) throws Exception {
        try (CommandLog log = CommandLog.open(dir, 4096, 1 << 16, 1, r -> { })) {
            log.append("one".getBytes());
            log.sync();
        }
        assertThat(Files.size(onlySegment(dir))).isEqualTo(4096);
        try (CommandLog log = CommandLog.open(dir, 4096, 1 << 16, 1, r -> { })) {
            assertThat(log.append("two".getBytes())).isEqualTo(2);
            log.sync();
        }
        assertThat(replay(dir, 1)).containsExactly("one", "two");
    }

    @Test
    void batchesAreWrittenTogetherAndRollAcrossSegments(@TempDir Path dir) {
        try (CommandLog log = CommandLog.open(dir, 64, 1 << 16, 1, r -> { })) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                batch.add(("batched-" + i).getBytes());
            }
            assertThat(log.appendAll(batch)).isEqualTo(1);
            assertThat(log.nextIndex()).isEqualTo(8);
            log.sync();
        }
        assertThat(replay(dir, 1)).containsExactly("batched-0", "batched-1", "batched-2", "batched-3",
                "batched-4", "batched-5", "batched-6");
    }

    @Test
    void segmentsRollAndOldOnesAreDeleted(@TempDir Path dir) throws Exception {
        try (CommandLog log = CommandLog.open(dir, 64, 1 << 16, 1, r -> { })) {
            for (int i = 0; i < 10; i++) {
                log.append(("record-number-" + i).getBytes());
            }
            log.sync();
            assertThat(segments(dir)).hasSizeGreaterThan(3);
            log.truncateBefore(9);
        }
        assertThat(replay(dir, 9)).containsExactly("record-number-8", "record-number-9");
    }

    private static Path onlySegment(Path dir) throws Exception {
        List<Path> s = segments(dir);
        assertThat(s).hasSize(1);
        return s.get(0);
    }

    private static List<Path> segments(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
        }
    }
}
