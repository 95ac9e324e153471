package dev.cachai.zk.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Splits the stream into jute frames (4-byte big-endian length, then the record). The first
 * four bytes of a connection may instead be a four-letter word, which ZooKeeper recognises by
 * reading them as a length. A frame over {@code frameBytesMax} closes the connection, as
 * ZooKeeper does with jute.maxbuffer.
 */
public final class ZkFrameDecoder extends ByteToMessageDecoder {
    public static final Set<String> KNOWN_WORDS = Set.of("conf", "cons", "crst", "dirs", "dump", "envi",
            "gtmk", "ruok", "stmk", "srvr", "srst", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash");
    private static final int LENGTH_BYTES = 4;
    private static final String SET_TRACE_MASK = "stmk";
    private static final int TRACE_MASK_BYTES = 8;

    private final int frameBytesMax;
    private boolean firstFrame = true;
    private boolean discarding;

    public ZkFrameDecoder(int frameBytesMax) {
        this.frameBytesMax = frameBytesMax;
    }

    /**
     * stmk carries its mask in the 8 bytes after the word. ZooKeeper reads them with one read of
     * the socket and drops the connection unanswered when fewer came: only what arrived with the
     * word counts here too, so a bare stmk never waits.
     */
    private static FourLetterWord withTraceMask(ByteBuf in) {
        if (in.readableBytes() < TRACE_MASK_BYTES) {
            return new FourLetterWord(SET_TRACE_MASK);
        }
        return new FourLetterWord(SET_TRACE_MASK, OptionalLong.of(in.readLong()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < LENGTH_BYTES) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (firstFrame) {
            firstFrame = false;
            String word = in.toString(in.readerIndex(), LENGTH_BYTES, StandardCharsets.US_ASCII);
            if (KNOWN_WORDS.contains(word)) {
                in.skipBytes(LENGTH_BYTES);
                discarding = true;
                out.add(word.equals(SET_TRACE_MASK) ? withTraceMask(in) : new FourLetterWord(word));
                return;
            }
        }
        if (length < 0 || length > frameBytesMax) {
            discarding = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (in.readableBytes() < LENGTH_BYTES + length) {
            return;
        }
        in.skipBytes(LENGTH_BYTES);
        out.add(in.readRetainedSlice(length));
    }
}
