package dev.cachai.engine.kv;

import java.util.Arrays;

/** A key's bytes as a hash-map key: content equality, hash computed once. */
final class HashedKey {
    private final byte[] bytes;
    private final int hash;

    HashedKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
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
