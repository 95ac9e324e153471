package dev.cachai.etcd.maintenance;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotChunksTest {
    private static byte[] filled(int length, int from) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void chunksAreFullAcrossPartsAndCountDownWhatIsLeft() {
        List<byte[]> parts = new ArrayList<>(List.of(filled(5, 0), filled(3, 5), filled(9, 8), filled(1, 17)));
        SnapshotChunks chunks = new SnapshotChunks(parts, 4);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        List<Long> remaining = new ArrayList<>();
        while (chunks.hasNext()) {
            ByteString blob = chunks.next();
            sizes.add(blob.size());
            remaining.add(chunks.remainingBytes());
            joined.writeBytes(blob.toByteArray());
        }
        assertThat(sizes).containsExactly(4, 4, 4, 4, 2);
        assertThat(remaining).containsExactly(14L, 10L, 6L, 2L, 0L);
        assertThat(joined.toByteArray()).isEqualTo(filled(18, 0));
        assertThat(parts).as("sent parts are let go").containsOnlyNulls();
    }

    @Test
    void aDroppedSnapshotHasNothingMoreToSend() {
        SnapshotChunks chunks = new SnapshotChunks(new ArrayList<>(List.of(filled(10, 0))), 4);
        chunks.next();
        chunks.drop();
        assertThat(chunks.hasNext()).isFalse();
        assertThat(chunks.remainingBytes()).isZero();
    }
}
