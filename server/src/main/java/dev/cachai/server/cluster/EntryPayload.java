package dev.cachai.server.cluster;

import java.nio.ByteBuffer;

/**
 * A command log entry as the cluster stores it: {@code [version:byte][originNode:int]
 * [originSeq:long][timeMs:long][command record]}. The origin names the node whose client is
 * waiting for the result; the time is stamped by the leader when it proposes, so every replica
 * applies the same time whatever its own clock says.
 */
record EntryPayload(int originNode, long originSeq, long timeMs, byte[] command) {
    private static final byte VERSION = 1;
    private static final int HEADER_BYTES = 1 + 4 + 8 + 8;
    private static final int TIME_OFFSET = 1 + 4 + 8;

    byte[] encode() {
        return ByteBuffer.allocate(HEADER_BYTES + command.length).put(VERSION).putInt(originNode)
                .putLong(originSeq).putLong(timeMs).put(command).array();
    }

    static EntryPayload decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalStateException("unknown entry payload version " + version);
        }
        int origin = in.getInt();
        long seq = in.getLong();
        long timeMs = in.getLong();
        byte[] command = new byte[in.remaining()];
        in.get(command);
        return new EntryPayload(origin, seq, timeMs, command);
    }

    /** The same payload with the leader's proposal time (a copy: the caller's bytes stay as they are). */
    static byte[] stamped(byte[] payload, long timeMs) {
        if (payload.length < HEADER_BYTES) {
            throw new IllegalArgumentException("entry payload too short: " + payload.length);
        }
        byte[] copy = payload.clone();
        ByteBuffer.wrap(copy).putLong(TIME_OFFSET, timeMs);
        return copy;
    }
}
