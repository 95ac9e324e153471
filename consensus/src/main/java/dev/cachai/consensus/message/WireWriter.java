package dev.cachai.consensus.message;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import java.util.Arrays;
import java.util.List;

/** A growable big-endian byte buffer for encoding frames. */
final class WireWriter {

    private byte[] bytes = new byte[128];
    private int size;

    WireWriter put(byte value) {
        ensure(1);
        bytes[size++] = value;
        return this;
    }

    WireWriter putBoolean(boolean value) {
        return put((byte) (value ? 1 : 0));
    }

    WireWriter putInt(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    WireWriter putLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    WireWriter putBytes(byte[] value) {
        putInt(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    WireWriter putBallot(Ballot ballot) {
        return putLong(ballot.round()).putInt(ballot.nodeId());
    }

    WireWriter putEntries(List<Entry> entries) {
        putInt(entries.size());
        for (Entry entry : entries) {
            putLong(entry.index()).putBallot(entry.ballot()).put((byte) entry.kind().ordinal()).putBytes(entry.data());
        }
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
