package dev.cachai.consensus.wal;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.Membership;
import dev.cachai.consensus.SnapshotMarker;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One record of a segment, framed as {@code [length:int][crc32c:int][type:byte][payload]}; the
 * length and checksum cover type and payload.
 */
sealed interface WalRecord {

    int HEADER_BYTES = 8;
    byte TYPE_ENTRY = 1;
    byte TYPE_HARD_STATE = 2;
    byte TYPE_SNAPSHOT_MARKER = 3;

    record EntryRecord(Entry entry) implements WalRecord {
    }

    record HardStateRecord(HardState hardState) implements WalRecord {
    }

    record SnapshotMarkerRecord(SnapshotMarker marker) implements WalRecord {
    }

    static ByteBuffer frame(WalRecord record) {
        byte[] body = body(record);
        ByteBuffer framed = ByteBuffer.allocate(HEADER_BYTES + body.length);
        framed.putInt(body.length).putInt(crc32c(body, 0, body.length)).put(body).flip();
        return framed;
    }

    private static byte[] body(WalRecord record) {
        if (record instanceof EntryRecord r) {
            Entry e = r.entry();
            ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 4 + 1 + 4 + e.data().length);
            b.put(TYPE_ENTRY).putLong(e.index()).putLong(e.ballot().round()).putInt(e.ballot().nodeId())
                    .put((byte) e.kind().ordinal()).putInt(e.data().length).put(e.data());
            return b.array();
        }
        if (record instanceof HardStateRecord r) {
            HardState h = r.hardState();
            ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 8);
            b.put(TYPE_HARD_STATE).putLong(h.promised().round()).putInt(h.promised().nodeId()).putLong(h.commitIndex());
            return b.array();
        }
        SnapshotMarker m = ((SnapshotMarkerRecord) record).marker();
        byte[] membership = m.membership().encode();
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + membership.length);
        b.put(TYPE_SNAPSHOT_MARKER).putLong(m.index()).put(membership);
        return b.array();
    }

    /** Decodes a body whose checksum already matched. */
    static WalRecord decode(ByteBuffer body) {
        byte type = body.get();
        switch (type) {
            case TYPE_ENTRY: {
                long index = body.getLong();
                Ballot ballot = new Ballot(body.getLong(), body.getInt());
                EntryKind kind = EntryKind.values()[body.get()];
                byte[] data = new byte[body.getInt()];
                body.get(data);
                return new EntryRecord(new Entry(index, ballot, kind, data));
            }
            case TYPE_HARD_STATE:
                return new HardStateRecord(new HardState(new Ballot(body.getLong(), body.getInt()), body.getLong()));
            case TYPE_SNAPSHOT_MARKER:
                return new SnapshotMarkerRecord(new SnapshotMarker(body.getLong(), Membership.decode(body)));
            default:
                throw new IllegalArgumentException("unknown WAL record type " + type);
        }
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
