package dev.cachai.consensus.message;

/** Wire codes of the message types; never reuse a code. */
enum MessageType {
    PRE_VOTE_REQUEST(1, Message.PreVoteRequest.class),
    PRE_VOTE_RESPONSE(2, Message.PreVoteResponse.class),
    PREPARE(3, Message.Prepare.class),
    PROMISE(4, Message.Promise.class),
    REJECT(5, Message.Reject.class),
    ACCEPT(6, Message.Accept.class),
    ACCEPTED(7, Message.Accepted.class),
    HEARTBEAT(8, Message.Heartbeat.class),
    HEARTBEAT_ACK(9, Message.HeartbeatAck.class),
    READ_INDEX_REQUEST(10, Message.ReadIndexRequest.class),
    READ_INDEX_RESPONSE(11, Message.ReadIndexResponse.class),
    TIMEOUT_NOW(12, Message.TimeoutNow.class),
    INSTALL_SNAPSHOT(13, Message.InstallSnapshot.class),
    INSTALL_SNAPSHOT_ACK(14, Message.InstallSnapshotAck.class);

    final byte code;
    private final Class<? extends Message> type;

    MessageType(int code, Class<? extends Message> type) {
        this.code = (byte) code;
        this.type = type;
    }

    static MessageType of(Message message) {
        for (MessageType candidate : values()) {
            if (candidate.type.isInstance(message)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no wire code for " + message.getClass());
    }

    static MessageType ofCode(byte code) {
        for (MessageType candidate : values()) {
            if (candidate.code == code) {
                return candidate;
            }
        }
        throw new MessageCodecException("unknown message type " + code);
    }
}
