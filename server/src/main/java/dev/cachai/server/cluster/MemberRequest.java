package dev.cachai.server.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A membership change as a member asks the leader for it (etcd's MemberAdd, MemberRemove,
 * MemberPromote, MemberUpdate, a member publishing its own name and addresses, ZooKeeper's
 * reconfig). Only the leader turns it into a consensus membership change.
 *
 * @param record for adds, the new member; for peer updates, its peer URLs; for publishing, what
 *               the member says about itself; otherwise unused
 */
record MemberRequest(Kind kind, int nodeId, MemberRecord record) {

    enum Kind {
        ADD_LEARNER, ADD_VOTER, REMOVE, PROMOTE, UPDATE_PEERS, PUBLISH,
        /** The leader's own: a member added as a voter has caught up and starts voting. */
        PROMOTE_CAUGHT_UP
    }

    static MemberRequest of(Kind kind, int nodeId) {
        return new MemberRequest(kind, nodeId, MemberRecord.UNKNOWN);
    }

    byte[] encode() {
        byte[] text = record.encode().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + text.length).put((byte) kind.ordinal()).putInt(nodeId).put(text).array();
    }

    static MemberRequest decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int kind = in.get();
        if (kind < 0 || kind >= Kind.values().length) {
            throw new IllegalArgumentException("unknown member request kind " + kind);
        }
        int nodeId = in.getInt();
        byte[] text = new byte[in.remaining()];
        in.get(text);
        return new MemberRequest(Kind.values()[kind], nodeId,
                MemberRecord.decode(new String(text, StandardCharsets.UTF_8)));
    }
}
