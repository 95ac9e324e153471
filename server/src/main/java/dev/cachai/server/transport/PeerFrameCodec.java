package dev.cachai.server.transport;

import dev.cachai.consensus.message.MessageCodec;
import io.netty.buffer.ByteBuf;

/**
 * Peer frame bodies: {@code [type:byte][fields]}; the 4-byte length prefix is added and checked
 * by the Netty pipeline. A consensus message is carried in its own codec's format.
 */
final class PeerFrameCodec {
    private static final byte HELLO = 1;
    private static final byte PAXOS = 2;
    private static final byte FORWARD = 3;
    private static final byte FORWARD_REFUSED = 4;
    private static final byte KEEP_ALIVES = 5;

    private final MessageCodec messages;

    PeerFrameCodec(int frameBytesMax) {
        this.messages = new MessageCodec(frameBytesMax);
    }

    void encode(PeerFrame frame, ByteBuf out) {
        if (frame instanceof PeerFrame.Hello h) {
            out.writeByte(HELLO).writeInt(h.nodeId()).writeLong(h.clusterId());
        } else if (frame instanceof PeerFrame.Paxos p) {
            out.writeByte(PAXOS).writeBytes(messages.encode(p.message()));
        } else if (frame instanceof PeerFrame.Forward f) {
            out.writeByte(FORWARD).writeLong(f.seq()).writeInt(f.payload().length).writeBytes(f.payload());
        } else if (frame instanceof PeerFrame.ForwardRefused r) {
            out.writeByte(FORWARD_REFUSED).writeLong(r.seq()).writeBoolean(r.retry());
        } else if (frame instanceof PeerFrame.KeepAlives k) {
            out.writeByte(KEEP_ALIVES).writeInt(k.leaseIds().length);
            for (long id : k.leaseIds()) {
                out.writeLong(id);
            }
        } else {
            throw new IllegalArgumentException("unknown peer frame " + frame);
        }
    }

    /** Decodes one whole frame body; throws on anything malformed (the connection is then closed). */
    PeerFrame decode(ByteBuf in) {
        byte type = in.readByte();
        PeerFrame frame;
        if (type == HELLO) {
            frame = new PeerFrame.Hello(in.readInt(), in.readLong());
        } else if (type == PAXOS) {
            byte[] bytes = new byte[in.readableBytes()];
            in.readBytes(bytes);
            frame = new PeerFrame.Paxos(messages.decode(bytes));
        } else if (type == FORWARD) {
            long seq = in.readLong();
            int length = in.readInt();
            if (length < 0 || length > in.readableBytes()) {
                throw new IllegalArgumentException("bad forward length " + length);
            }
            byte[] payload = new byte[length];
            in.readBytes(payload);
            frame = new PeerFrame.Forward(seq, payload);
        } else if (type == FORWARD_REFUSED) {
            frame = new PeerFrame.ForwardRefused(in.readLong(), in.readBoolean());
        } else if (type == KEEP_ALIVES) {
            int count = in.readInt();
            if (count < 0 || count * 8L > in.readableBytes()) {
                throw new IllegalArgumentException("bad keep-alive count " + count);
            }
            long[] ids = new long[count];
            for (int i = 0; i < count; i++) {
                ids[i] = in.readLong();
            }
            frame = new PeerFrame.KeepAlives(ids);
        } else {
            throw new IllegalArgumentException("unknown peer frame type " + type);
        }
        if (in.isReadable()) {
            throw new IllegalArgumentException("trailing bytes after peer frame type " + type);
        }
        return frame;
    }
}
