package dev.cachai.engine.auth;

import dev.cachai.engine.Bytes;

/**
 * A key-range permission of a role (etcd authpb.Permission). Empty rangeEnd = the single key;
 * {0} = every key from {@code key} on.
 */
public record Permission(Type type, byte[] key, byte[] rangeEnd) {
    public enum Type { READ, WRITE, READWRITE }

    public boolean allowsRead() {
        return type != Type.WRITE;
    }

    public boolean allowsWrite() {
        return type != Type.READ;
    }

    public boolean sameRange(byte[] k, byte[] end) {
        return java.util.Arrays.equals(key, k) && java.util.Arrays.equals(rangeEnd, end);
    }

    /** Whether this permission's range covers all of [k, end) (a single key when end is empty). */
    public boolean covers(byte[] k, byte[] end) {
        if (rangeEnd.length == 0) {
            return end.length == 0 && java.util.Arrays.equals(key, k);
        }
        boolean openEnded = rangeEnd.length == 1 && rangeEnd[0] == 0;
        if (Bytes.compare(k, key) < 0) {
            return false;
        }
        if (end.length == 0) {
            return openEnded || Bytes.compare(k, rangeEnd) < 0;
        }
        boolean reqOpen = end.length == 1 && end[0] == 0;
        if (openEnded) {
            return true;
        }
        return !reqOpen && Bytes.compare(end, rangeEnd) <= 0;
    }
}
