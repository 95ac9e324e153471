package dev.cachai.engine.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A key's bytes as a hash-map key: content equality, hash computed once. */
final class HashedKey {
    private final byte[] bytes;
    private final int hash;

    HashedKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = hash(bytes);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MIX = 0x9E3779B97F4A7C15L;

    /**
     * Eight bytes per step rather than Arrays.hashCode's one: a write hashes its key several
     * times, and keys are tens of bytes. Multiply-xorshift mixing spreads every byte over the
     * high bits, which the fold keeps.
     */
    static int hash(byte[] b) {
        long h = b.length;
        int i = 0;
        for (; i + Long.BYTES <= b.length; i += Long.BYTES) {
            h = (h ^ (long) LONGS.get(b, i)) * MIX;
            h ^= h >>> 29;
        }
        long tail = 0;
        for (int shift = 0; i < b.length; i++, shift += 8) {
            tail |= (b[i] & 0xffL) << shift;
        }
        h = (h ^ tail) * MIX;
        h ^= h >>> 32;
        return (int) h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashedKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }
}
