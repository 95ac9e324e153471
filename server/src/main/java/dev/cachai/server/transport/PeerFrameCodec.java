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
    private static final byte MEMBER_CHANGE = 6;
    private static final byte MEMBER_CHANGE_DONE = 7;
    /** A Hello's address and an error name are short; anything longer is a corrupt frame. */
    private static final int TEXT_BYTES_MAX = 1024;

    private final MessageCodec messages;

    PeerFrameCodec(int frameBytesMax) {
        this.messages = new MessageCodec(frameBytesMax);
    }

    void encode(PeerFrame frame, ByteBuf out) {
        if (frame instanceof PeerFrame.Hello h) {
            out.writeByte(HELLO).writeInt(h.nodeId()).writeLong(h.clusterId()).writeInt(h.toId());
            writeText(out, h.peerAddress());
        } else if (frame instanceof PeerFrame.Paxos p) {
            out.writeByte(PAXOS).writeBytes(messages.encode(p.message()));
        } else if (frame instanceof PeerFrame.Forward f) {
            out.writeByte(FORWARD).writeLong(f.seq());
            writeBytes(out, f.payload());
        } else if (frame instanceof PeerFrame.ForwardRefused r) {
            out.writeByte(FORWARD_REFUSED).writeLong(r.seq()).writeBoolean(r.retry());
        } else if (frame instanceof PeerFrame.KeepAlives k) {
            out.writeByte(KEEP_ALIVES).writeInt(k.leaseIds().length);
            for (long id : k.leaseIds()) {
                out.writeLong(id);
            }
        } else if (frame instanceof PeerFrame.MemberChange c) {
            out.writeByte(MEMBER_CHANGE).writeLong(c.seq());
            writeBytes(out, c.request());
        } else if (frame instanceof PeerFrame.MemberChangeDone d) {
            out.writeByte(MEMBER_CHANGE_DONE).writeLong(d.seq());
            writeText(out, d.error());
            writeBytes(out, d.membership());
            out.writeLong(d.version());
        } else {
            throw new IllegalArgumentException("unknown peer frame " + frame);
        }
    }

    /** Decodes one whole frame body; throws on anything malformed (the connection is then closed). */
    PeerFrame decode(ByteBuf in) {
        byte type = in.readByte();
        PeerFrame frame;
        if (type == HELLO) {
            frame = new PeerFrame.Hello(in.readInt(), in.readLong(), in.readInt(), readText(in));
        } else if (type == PAXOS) {
            byte[] bytes = new byte[in.readableBytes()];
            in.readBytes(bytes);
            frame = new PeerFrame.Paxos(messages.decode(bytes));
        } else if (type == FORWARD) {
            frame = new PeerFrame.Forward(in.readLong(), readBytes(in, in.readableBytes()));
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
        } else if (type == MEMBER_CHANGE) {
            frame = new PeerFrame.MemberChange(in.readLong(), readBytes(in, in.readableBytes()));
        } else if (type == MEMBER_CHANGE_DONE) {
            frame = new PeerFrame.MemberChangeDone(in.readLong(), readText(in), readBytes(in, in.readableBytes()),
                    in.readLong());
        } else {
            throw new IllegalArgumentException("unknown peer frame type " + type);
        }
        if (in.isReadable()) {
            throw new IllegalArgumentException("trailing bytes after peer frame type " + type);
        }
        return frame;
    }

    private static void writeBytes(ByteBuf out, byte[] bytes) {
        out.writeInt(bytes.length).writeBytes(bytes);
    }

    /** A length-prefixed byte string of at most {@code bytesMax} bytes, never beyond the frame. */
    private static byte[] readBytes(ByteBuf in, int bytesMax) {
        int length = in.readInt();
        if (length < 0 || length > bytesMax || length > in.readableBytes()) {
            throw new IllegalArgumentException("bad length " + length + " in a peer frame");
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    private static void writeText(ByteBuf out, String text) {
        writeBytes(out, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String readText(ByteBuf in) {
        return new String(readBytes(in, TEXT_BYTES_MAX), java.nio.charset.StandardCharsets.UTF_8);
    }
}
