package dev.cachai.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** {@code [length:int][body]}; a body above the frame limit is refused here, not by the peer. */
final class FrameEncoder extends MessageToByteEncoder<PeerFrame> {
    private final PeerFrameCodec codec;
    private final int frameBytesMax;
    private final PeerTraffic traffic;

    FrameEncoder(PeerFrameCodec codec, int frameBytesMax, PeerTraffic traffic) {
        this.codec = codec;
        this.frameBytesMax = frameBytesMax;
        this.traffic = traffic;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerFrame frame, ByteBuf out) {
        int length = writeFrame(codec, frameBytesMax, frame, out);
        Integer peer = ctx.channel().attr(PeerTransport.PEER_ID).get();
        if (peer != null) {
            traffic.sent(peer, length + PeerTransport.LENGTH_PREFIX_BYTES);
        }
    }

    /** Appends the length-prefixed frame to {@code out}; returns the body's length. */
    static int writeFrame(PeerFrameCodec codec, int frameBytesMax, PeerFrame frame, ByteBuf out) {
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        codec.encode(frame, out);
        int length = out.writerIndex() - lengthAt - 4;
        if (length > frameBytesMax) {
            out.writerIndex(lengthAt);
            throw new IllegalArgumentException("peer frame of " + length + " bytes above peerFrameBytesMax");
        }
        out.setInt(lengthAt, length);
        return length;
    }
}
