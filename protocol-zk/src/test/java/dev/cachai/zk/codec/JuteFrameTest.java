package dev.cachai.zk.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames must carry exactly the bytes jute itself writes, whichever way they were written. */
class JuteFrameTest {
    private static final List<String> NAMES = List.of("", "a", "node-0000000042", "é-latin", "雪-bmp",
            "\uD83D\uDE00-supplementary", "mixed-ascii-then-ü");

    @Test
    void childListsAreTheBytesJuteWrites() throws IOException {
        ReplyHeader header = new ReplyHeader(7, 42L, 0);
        Stat stat = new Stat(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertSameBytes(header, new GetChildrenResponse(NAMES));
        assertSameBytes(header, new GetChildren2Response(NAMES, stat));
        assertSameBytes(header, new GetChildrenResponse(List.of()));
        assertSameBytes(header, new GetChildrenResponse(null));
        assertSameBytes(header, new GetChildren2Response(null, stat));
    }

    @Test
    void aLongAsciiListGrowsTheScratchArray() throws IOException {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add("child-" + i);
        }
        assertSameBytes(new ReplyHeader(1, 2L, 0), new GetChildrenResponse(many));
    }

    private static void assertSameBytes(Record... records) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        BinaryOutputArchive archive = BinaryOutputArchive.getArchive(expected);
        for (Record r : records) {
            r.serialize(archive, "r");
        }
        ByteBuf frame = Jute.frame(UnpooledByteBufAllocator.DEFAULT, records);
        try {
            assertThat(frame.readInt()).isEqualTo(expected.size());
            byte[] body = new byte[frame.readableBytes()];
            frame.readBytes(body);
            assertThat(body).isEqualTo(expected.toByteArray());
        } finally {
            frame.release();
        }
    }
}
