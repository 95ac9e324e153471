package dev.cachai.consensus.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ZeroFillTest {
    @TempDir
    Path dir;

    private static byte[] filled(int length, byte value) {
        byte[] b = new byte[length];
        Arrays.fill(b, value);
        return b;
    }

    @Test
    void zerosExactlyTheRangeAcrossChunksEitherWay() throws Exception {
        for (boolean sync : new boolean[] {false, true}) {
            Path file = dir.resolve("f-" + sync);
            int size = 3 * ZeroFill.CHUNK_BYTES + 12_345;
            Files.write(file, filled(size, (byte) 7));
            long from = 1000;
            long to = from + 2 * ZeroFill.CHUNK_BYTES + 777; // not a whole number of chunks
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ZeroFill.write(ch, from, to, sync);
            }
            byte[] after = Files.readAllBytes(file);
            assertThat(after).hasSize(size);
            for (int i = 0; i < size; i++) {
                if (after[i] != (i >= from && i < to ? 0 : 7)) {
                    throw new AssertionError("byte " + i + " is " + after[i] + " (sync each chunk: " + sync + ")");
                }
            }
        }
    }

    @Test
    void extendsAFileWrittenPastItsEnd() throws Exception {
        Path file = dir.resolve("grow");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(filled(10, (byte) 1)));
            ZeroFill.write(ch, 10, ZeroFill.CHUNK_BYTES + 5, true);
        }
        byte[] after = Files.readAllBytes(file);
        assertThat(after).hasSize(ZeroFill.CHUNK_BYTES + 5);
        assertThat(Arrays.copyOfRange(after, 0, 10)).containsOnly(1);
        assertThat(Arrays.copyOfRange(after, 10, after.length)).containsOnly(0);
    }
}
