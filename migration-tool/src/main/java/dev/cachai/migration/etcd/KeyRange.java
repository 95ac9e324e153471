package dev.cachai.migration.etcd;

import io.etcd.jetcd.ByteSequence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The keys a copy covers: all of them, or those starting with a prefix; [start, end) as etcd's Range wants. */
record KeyRange(ByteSequence start, ByteSequence end) {
    /** etcd's "from this key to the end of the keyspace" marker, also "the smallest key". */
    static final ByteSequence ZERO = ByteSequence.from(new byte[] {0});

    static KeyRange of(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return new KeyRange(ZERO, ZERO);
        }
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        return new KeyRange(ByteSequence.from(p), ByteSequence.from(prefixEnd(p)));
    }

    /** The first key after every key starting with {@code p}; ZERO when p is all 0xFF. */
    static byte[] prefixEnd(byte[] p) {
        byte[] end = Arrays.copyOf(p, p.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return new byte[] {0};
    }

    /** Whether {@code key} lies in [start, end), end ZERO meaning no upper bound. */
    boolean contains(com.google.protobuf.ByteString key) {
        java.util.Comparator<com.google.protobuf.ByteString> order = com.google.protobuf.ByteString.unsignedLexicographicalComparator();
        com.google.protobuf.ByteString from = com.google.protobuf.ByteString.copyFrom(start.getBytes());
        com.google.protobuf.ByteString to = com.google.protobuf.ByteString.copyFrom(end.getBytes());
        return order.compare(key, from) >= 0 && (end.equals(ZERO) || order.compare(key, to) < 0);
    }

    /** The smallest key after {@code key}: where the next page starts. */
    static ByteSequence after(ByteSequence key) {
        byte[] k = key.getBytes();
        return ByteSequence.from(Arrays.copyOf(k, k.length + 1));
    }
}
