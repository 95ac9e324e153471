package dev.cachai.consensus.message;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.ConsensusInvariantError;
import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.Membership;
import dev.cachai.consensus.message.Message.Accept;
import dev.cachai.consensus.message.Message.Accepted;
import dev.cachai.consensus.message.Message.Heartbeat;
import dev.cachai.consensus.message.Message.HeartbeatAck;
import dev.cachai.consensus.message.Message.InstallSnapshot;
import dev.cachai.consensus.message.Message.InstallSnapshotAck;
import dev.cachai.consensus.message.Message.PreVoteRequest;
import dev.cachai.consensus.message.Message.PreVoteResponse;
import dev.cachai.consensus.message.Message.Prepare;
import dev.cachai.consensus.message.Message.Promise;
import dev.cachai.consensus.message.Message.ReadIndexRequest;
import dev.cachai.consensus.message.Message.ReadIndexResponse;
import dev.cachai.consensus.message.Message.Reject;
import dev.cachai.consensus.message.Message.TimeoutNow;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Peer wire format: {@code [length:int][version:byte][type:byte][from:int][to:int][fields...]},
 * big-endian, where length counts the bytes after itself. A frame above {@code frameBytesMax}
 * is refused before it is buffered.
 */
public final class MessageCodec {

    public static final byte VERSION = 1;
    private static final int LENGTH_BYTES = 4;

    private final int frameBytesMax;

    public MessageCodec(int frameBytesMax) {
        if (frameBytesMax < 64) {
            throw new IllegalArgumentException("frameBytesMax too small: " + frameBytesMax);
        }
        this.frameBytesMax = frameBytesMax;
    }

    public byte[] encode(Message message) {
        WireWriter out = new WireWriter();
        out.putInt(0);
        out.put(VERSION);
        out.put(MessageType.of(message).code);
        out.putInt(message.from());
        out.putInt(message.to());
        writeFields(message, out);
        byte[] frame = out.toByteArray();
        int length = frame.length - LENGTH_BYTES;
        if (length > frameBytesMax) {
            throw new MessageCodecException("frame of " + length + " bytes above frameBytesMax " + frameBytesMax);
        }
        ByteBuffer.wrap(frame).putInt(length);
        return frame;
    }

    /** Decodes one whole frame (length prefix included). */
    public Message decode(byte[] frame) {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        Message message = tryDecode(buffer);
        if (message == null || buffer.hasRemaining()) {
            throw new MessageCodecException("not exactly one frame");
        }
        return message;
    }

    /**
     * Decodes the next frame if the buffer holds all of it and advances past it; returns null,
     * leaving the buffer untouched, when more bytes are needed.
     */
    public Message tryDecode(ByteBuffer buffer) {
        if (buffer.remaining() < LENGTH_BYTES) {
            return null;
        }
        int length = buffer.getInt(buffer.position());
        if (length < 10 || length > frameBytesMax) {
            throw new MessageCodecException("bad frame length " + length);
        }
        if (buffer.remaining() < LENGTH_BYTES + length) {
            return null;
        }
        ByteBuffer frame = buffer.slice(buffer.position() + LENGTH_BYTES, length);
        buffer.position(buffer.position() + LENGTH_BYTES + length);
        try {
            Message message = readFrame(frame);
            if (frame.hasRemaining()) {
                throw new MessageCodecException("trailing bytes in frame");
            }
            return message;
        } catch (BufferUnderflowException | IllegalArgumentException | ConsensusInvariantError e) {
            // Garbage from the network must cost the connection, never the node.
            throw new MessageCodecException("malformed frame: " + e.getMessage());
        }
    }

    private static Message readFrame(ByteBuffer in) {
        byte version = in.get();
        if (version != VERSION) {
            throw new MessageCodecException("unsupported version " + version);
        }
        MessageType type = MessageType.ofCode(in.get());
        int from = in.getInt();
        int to = in.getInt();
        return switch (type) {
            case PRE_VOTE_REQUEST -> new PreVoteRequest(from, to, in.getLong(), in.getLong());
            case PRE_VOTE_RESPONSE -> new PreVoteResponse(from, to, in.getLong(), in.get() != 0, in.getLong());
            case PREPARE -> new Prepare(from, to, ballot(in), in.getLong(), in.getLong(), in.get() != 0);
            case PROMISE -> new Promise(from, to, ballot(in), in.getLong(), entries(in), in.get() != 0);
            case REJECT -> new Reject(from, to, ballot(in), ballot(in), in.getLong());
            case ACCEPT -> new Accept(from, to, ballot(in), in.getLong(), entries(in));
            case ACCEPTED -> new Accepted(from, to, ballot(in), in.getLong(), in.getLong(), in.getLong());
            case HEARTBEAT -> new Heartbeat(from, to, ballot(in), in.getLong(), in.getLong(), in.getLong());
            case HEARTBEAT_ACK -> new HeartbeatAck(from, to, ballot(in), in.getLong(), in.getLong(), in.getLong());
            case READ_INDEX_REQUEST -> new ReadIndexRequest(from, to, bytes(in));
            case READ_INDEX_RESPONSE -> new ReadIndexResponse(from, to, bytes(in), in.getLong(), in.get() != 0);
            case TIMEOUT_NOW -> new TimeoutNow(from, to, ballot(in), in.getLong());
            case INSTALL_SNAPSHOT -> new InstallSnapshot(from, to, ballot(in), in.getLong(),
                    Membership.decode(bytes(in)), in.getLong(), bytes(in), in.getInt(), in.get() != 0, in.getLong(),
                    in.getInt());
            case INSTALL_SNAPSHOT_ACK -> new InstallSnapshotAck(from, to, ballot(in), in.getLong(), in.getLong(),
                    in.get() != 0);
        };
    }

    private static void writeFields(Message message, WireWriter out) {
        if (message instanceof PreVoteRequest m) {
            out.putLong(m.round()).putLong(m.commitIndex());
        } else if (message instanceof PreVoteResponse m) {
            out.putLong(m.round()).putBoolean(m.granted()).putLong(m.promisedRound());
        } else if (message instanceof Prepare m) {
            out.putBallot(m.ballot()).putLong(m.fromIndex()).putLong(m.commitIndex()).putBoolean(m.transfer());
        } else if (message instanceof Promise m) {
            out.putBallot(m.ballot()).putLong(m.commitIndex()).putEntries(m.accepted()).putBoolean(m.complete());
        } else if (message instanceof Reject m) {
            out.putBallot(m.rejected()).putBallot(m.promised()).putLong(m.commitIndex());
        } else if (message instanceof Accept m) {
            out.putBallot(m.ballot()).putLong(m.commitIndex()).putEntries(m.entries());
        } else if (message instanceof Accepted m) {
            out.putBallot(m.ballot()).putLong(m.matchIndex()).putLong(m.lastIndex()).putLong(m.commitIndex());
        } else if (message instanceof Heartbeat m) {
            out.putBallot(m.ballot()).putLong(m.commitIndex()).putLong(m.readSeq()).putLong(m.releasableIndex());
        } else if (message instanceof HeartbeatAck m) {
            out.putBallot(m.ballot()).putLong(m.matchIndex()).putLong(m.commitIndex()).putLong(m.readSeq());
        } else if (message instanceof ReadIndexRequest m) {
            out.putBytes(m.context());
        } else if (message instanceof ReadIndexResponse m) {
            out.putBytes(m.context()).putLong(m.index()).putBoolean(m.granted());
        } else if (message instanceof TimeoutNow m) {
            out.putBallot(m.ballot()).putLong(m.commitIndex());
        } else if (message instanceof InstallSnapshot m) {
            out.putBallot(m.ballot()).putLong(m.snapshotIndex()).putBytes(m.membership().encode()).putLong(m.offset())
                    .putBytes(m.chunk()).putInt(m.chunkCrc32c()).putBoolean(m.last()).putLong(m.snapshotBytes())
                    .putInt(m.snapshotCrc32c());
        } else if (message instanceof InstallSnapshotAck m) {
            out.putBallot(m.ballot()).putLong(m.snapshotIndex()).putLong(m.nextOffset()).putBoolean(m.installed());
        }
    }

    private static Ballot ballot(ByteBuffer in) {
        return new Ballot(in.getLong(), in.getInt());
    }

    private static byte[] bytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new MessageCodecException("byte string of " + length + " bytes overruns the frame");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static List<Entry> entries(ByteBuffer in) {
        int count = in.getInt();
        // Each entry needs at least 25 bytes, so a larger count cannot fit the frame.
        if (count < 0 || count > in.remaining() / 25) {
            throw new MessageCodecException("entry count " + count + " overruns the frame");
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long index = in.getLong();
            Ballot ballot = ballot(in);
            int kind = in.get();
            if (kind < 0 || kind >= EntryKind.values().length) {
                throw new MessageCodecException("unknown entry kind " + kind);
            }
            entries.add(new Entry(index, ballot, EntryKind.values()[kind], bytes(in)));
        }
        return entries;
    }
}
