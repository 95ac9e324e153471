package dev.cachai.zk;

import dev.cachai.zk.codec.FourLetterWord;
import dev.cachai.zk.codec.ZkFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class ZkFrameDecoderTest {
    private static final int FRAME_BYTES_MAX = 64;

    @Test
    void framesSplitAcrossReadsAreJoined() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZkFrameDecoder(FRAME_BYTES_MAX));
        byte[] wire = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 1, 'd'};
        for (byte b : wire) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        ByteBuf first = ch.readInbound();
        ByteBuf second = ch.readInbound();
        assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("d");
        first.release();
        second.release();
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void fourLetterWordOnlyAsTheFirstFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZkFrameDecoder(FRAME_BYTES_MAX));
        ch.writeInbound(Unpooled.copiedBuffer("ruok", StandardCharsets.US_ASCII));
        assertThat((Object) ch.readInbound()).isEqualTo(new FourLetterWord("ruok"));
    }

    @Test
    void stmkTakesTheMaskThatCameWithItAndNothingLater() {
        EmbeddedChannel withMask = new EmbeddedChannel(new ZkFrameDecoder(FRAME_BYTES_MAX));
        withMask.writeInbound(Unpooled.buffer().writeBytes("stmk".getBytes(StandardCharsets.US_ASCII)).writeLong(0x1_0000_0002L));
        assertThat((Object) withMask.readInbound()).isEqualTo(new FourLetterWord("stmk", OptionalLong.of(0x1_0000_0002L)));
        EmbeddedChannel bare = new EmbeddedChannel(new ZkFrameDecoder(FRAME_BYTES_MAX));
        bare.writeInbound(Unpooled.copiedBuffer("stmk\n", StandardCharsets.US_ASCII));
        assertThat((Object) bare.readInbound()).isEqualTo(new FourLetterWord("stmk"));
        bare.writeInbound(Unpooled.buffer().writeLong(7));
        assertThat((Object) bare.readInbound()).as("a mask after the word's read is not waited for").isNull();
    }

    @Test
    void oversizedOrNegativeLengthClosesTheChannel() {
        EmbeddedChannel big = new EmbeddedChannel(new ZkFrameDecoder(FRAME_BYTES_MAX));
        big.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, (byte) (FRAME_BYTES_MAX + 1)}));
        assertThat(big.isOpen()).isFalse();
        EmbeddedChannel negative = new EmbeddedChannel(new ZkFrameDecoder(FRAME_BYTES_MAX));
        negative.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0, 0, 0}));
        assertThat(negative.isOpen()).isFalse();
    }

    @Test
    void frameAtTheLimitPasses() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZkFrameDecoder(FRAME_BYTES_MAX));
        ByteBuf in = Unpooled.buffer().writeInt(FRAME_BYTES_MAX).writeZero(FRAME_BYTES_MAX);
        ch.writeInbound(in);
        ByteBuf frame = ch.readInbound();
        assertThat(frame.readableBytes()).isEqualTo(FRAME_BYTES_MAX);
        frame.release();
    }
}
