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
 * length and checksum cover type and payload. A body is never empty, so a zero length marks the
 * end of the written part of a preallocated (zero-filled) segment.
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

    /** The record framed in a fresh buffer, ready to write. */
    static ByteBuffer frame(WalRecord record) {
        ByteBuffer framed = ByteBuffer.allocate(framedBytes(record));
        encodeInto(record, framed);
        return framed.flip();
    }

    /** Header plus body: what {@link #encodeInto} adds to a buffer. */
    static int framedBytes(WalRecord record) {
        return HEADER_BYTES + bodyBytes(record);
    }

    /**
     * Appends the framed record at {@code out}'s position. The body is encoded in place and
     * checksummed there, so a batch is built in one (direct) buffer without copies.
     */
    static void encodeInto(WalRecord record, ByteBuffer out) {
        int start = out.position();
        int length = bodyBytes(record);
        out.position(start + HEADER_BYTES);
        encodeBody(record, out);
        ByteBuffer body = out.duplicate().position(start + HEADER_BYTES).limit(start + HEADER_BYTES + length);
        CRC32C crc = new CRC32C();
        crc.update(body);
        out.putInt(start, length).putInt(start + 4, (int) crc.getValue());
    }

    private static int bodyBytes(WalRecord record) {
        if (record instanceof EntryRecord r) {
            return 1 + 8 + 8 + 4 + 1 + 4 + r.entry().data().length;
        }
        if (record instanceof HardStateRecord) {
            return 1 + 8 + 4 + 8;
        }
        return 1 + 8 + ((SnapshotMarkerRecord) record).marker().membership().encode().length;
    }

    private static void encodeBody(WalRecord record, ByteBuffer b) {
        if (record instanceof EntryRecord r) {
            Entry e = r.entry();
            b.put(TYPE_ENTRY).putLong(e.index()).putLong(e.ballot().round()).putInt(e.ballot().nodeId())
                    .put((byte) e.kind().ordinal()).putInt(e.data().length).put(e.data());
        } else if (record instanceof HardStateRecord r) {
            HardState h = r.hardState();
            b.put(TYPE_HARD_STATE).putLong(h.promised().round()).putInt(h.promised().nodeId()).putLong(h.commitIndex());
        } else {
            SnapshotMarker m = ((SnapshotMarkerRecord) record).marker();
            b.put(TYPE_SNAPSHOT_MARKER).putLong(m.index()).put(m.membership().encode());
        }
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
