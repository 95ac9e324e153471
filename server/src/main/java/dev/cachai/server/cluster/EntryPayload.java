package dev.cachai.server.cluster;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.CommandCodec;
import dev.cachai.engine.command.GrowableBytes;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A command log entry as the cluster stores it: {@code [version:byte][originNode:int]
 * [originSeq:long][timeMs:long][command record]}. The origin names the node whose client is
 * waiting for the result; the time is stamped by the leader when it proposes, so every replica
 * applies the same time whatever its own clock says.
 *
 * <p>Every write passes through here on every member, so the payload is encoded in one buffer and
 * read in place: no intermediate copies of the command for the collector to sweep.
 */
final class EntryPayload {
    private static final byte VERSION = 1;
    private static final int ORIGIN_NODE_OFFSET = 1;
    private static final int ORIGIN_SEQ_OFFSET = ORIGIN_NODE_OFFSET + 4;
    private static final int TIME_OFFSET = ORIGIN_SEQ_OFFSET + 8;
    private static final int HEADER_BYTES = TIME_OFFSET + 8;
    /** A typical write (a key, a value of a few hundred bytes, the header) fits without growing. */
    private static final int ENCODED_BYTES_INITIAL = 512;

    /** Who waits for the entry's result, and the time the leader stamped. */
    record Header(int originNode, long originSeq, long timeMs) {}

    private EntryPayload() {}

    /** A new proposal's payload, not yet stamped (its time is 0 until the leader proposes it). */
    static byte[] encode(int originNode, long originSeq, Command command) {
        GrowableBytes bytes = new GrowableBytes(ENCODED_BYTES_INITIAL);
        try {
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeInt(originNode);
            out.writeLong(originSeq);
            out.writeLong(0);
            CommandCodec.encodeTo(out, 0, command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Header header(byte[] payload) {
        checkLength(payload);
        if (payload[0] != VERSION) {
            throw new IllegalStateException("unknown entry payload version " + payload[0]);
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        return new Header(in.getInt(ORIGIN_NODE_OFFSET), in.getLong(ORIGIN_SEQ_OFFSET), in.getLong(TIME_OFFSET));
    }

    /** The command the payload carries, decoded where it lies. */
    static Command command(byte[] payload) {
        checkLength(payload);
        return CommandCodec.decode(payload, HEADER_BYTES, payload.length - HEADER_BYTES).command();
    }

    /**
     * The same payload with the leader's proposal time, as a copy: the caller's array may be kept
     * for a resend, and an array in the log must never change under it.
     */
    static byte[] stamped(byte[] payload, long timeMs) {
        checkLength(payload);
        byte[] copy = payload.clone();
        ByteBuffer.wrap(copy).putLong(TIME_OFFSET, timeMs);
        return copy;
    }

    private static void checkLength(byte[] payload) {
        if (payload.length < HEADER_BYTES) {
            throw new IllegalArgumentException("entry payload too short: " + payload.length);
        }
    }
}
