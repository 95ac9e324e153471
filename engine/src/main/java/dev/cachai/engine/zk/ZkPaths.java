package dev.cachai.engine.zk;

import java.nio.charset.StandardCharsets;

/** ZooKeeper path rules (PathUtils.validatePath) and path arithmetic. */
public final class ZkPaths {
    /** ZooKeeper's own subtree. */
    public static final String SYSTEM_ROOT = "/zookeeper";

    private ZkPaths() {}

    /**
     * /zookeeper and /zookeeper/quota: ZooKeeper has them from its start (zxid 0), while the
     * engine stores them only with the first client write below them. Storing one is then no
     * change of its parent's children (the parent's pzxid stays), its own pzxid starts at 0, and
     * clients hear no event of it.
     */
    public static boolean existsFromStart(String path) {
        return path.equals(SYSTEM_ROOT) || path.equals(ZkQuota.QUOTA_ROOT);
    }

    /**
     * The key holding the root's data: the root's path, as any node's key is its path. It is no
     * node key (see {@link #isNodeKey}), so no child of anything.
     */
    public static boolean isRootDataKey(byte[] key) {
        return key.length == 1 && key[0] == '/';
    }

    /** Why {@code path} is not a valid ZooKeeper path, or null when it is. */
    public static String invalidReason(String path) {
        if (path == null) {
            return "Path cannot be null";
        }
        if (path.isEmpty()) {
            return "Path length must be > 0";
        }
        if (path.charAt(0) != '/') {
            return "Path must start with / character";
        }
        if (path.length() == 1) {
            return null;
        }
        if (path.charAt(path.length() - 1) == '/') {
            return "Path must not end with / character";
        }
        char last = '/';
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0) {
                return "null character not allowed @" + i;
            }
            if (c == '/' && last == '/' && i > 0) {
                return "empty node name specified @" + i;
            }
            if (c > '\u0000' && c <= '\u001f' || c >= '\u007f' && c <= '\u009F'
                    || c >= '\ud800' && c <= '\uf8ff' || c >= '\ufff0' && c <= '\uffff') {
                return "invalid character @" + i;
            }
            last = c;
        }
        int segmentStart = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (isDotSegment(path, segmentStart, i)) {
                    return "relative paths not allowed";
                }
                segmentStart = i + 1;
            }
        }
        return null;
    }

    /** "." or ".." between {@code from} and {@code to}: relative segments ZooKeeper refuses. */
    private static boolean isDotSegment(CharSequence path, int from, int to) {
        int length = to - from;
        return (length == 1 || length == 2) && path.charAt(from) == '.' && path.charAt(to - 1) == '.';
    }

    public static boolean isValid(String path) {
        return invalidReason(path) == null;
    }

    /** Whether key bytes, read as UTF-8, form a valid path other than the root (the ZooKeeper view's keys). */
    public static boolean isNodeKey(byte[] key) {
        if (key.length < 2 || key[0] != '/') {
            return false;
        }
        return isNodeKeyFrom(key, 1);
    }

    /**
     * {@link #isNodeKey} for a key that starts with {@code validPrefixLength} bytes known to be a
     * valid path followed by '/' (a child listing's prefix): only the rest is checked.
     */
    public static boolean isNodeKeyBelow(byte[] key, int validPrefixLength) {
        return key.length > validPrefixLength && isNodeKeyFrom(key, validPrefixLength);
    }

    /**
     * Whether {@code key} from {@code from} on is one valid segment of printable ASCII (no '/'):
     * the key of a direct child, in one pass over its name. False says nothing: the caller
     * falls back to {@link #isNodeKeyBelow} and its own search for a '/'.
     */
    public static boolean isAsciiChildSegment(byte[] key, int from) {
        if (isReservedSegment(key, from, key.length)) {
            return false;
        }
        for (int i = from; i < key.length; i++) {
            if (isControl(key[i]) || key[i] == '/') { // negative bytes (non-ASCII) too
                return false;
            }
        }
        return true;
    }

    /** An empty, "." or ".." segment [start, end): not a node name. */
    private static boolean isReservedSegment(byte[] key, int start, int end) {
        int length = end - start;
        return length <= 0 || length <= 2 && key[start] == '.' && key[end - 1] == '.';
    }

    /** NUL and the other control characters (and, as a signed byte, anything above ASCII). */
    private static boolean isControl(byte c) {
        return c < 0x20 || c == 0x7f;
    }

    private static boolean isNodeKeyFrom(byte[] key, int segmentStart) {
        if (isAscii(key, segmentStart)) {
            return isValidAsciiPath(key, segmentStart);
        }
        String s = new String(key, StandardCharsets.UTF_8);
        return isValid(s) && java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), key);
    }

    private static boolean isAscii(byte[] key, int from) {
        for (int i = from; i < key.length; i++) {
            if (key[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #isValid} for a path of ASCII bytes without decoding it: the same rules (no NUL or
     * control characters, no empty, "." or ".." segments, no trailing slash), checked from a
     * segment's start on. Every key a write or a child listing touches goes through here, so it
     * avoids building a String.
     */
    private static boolean isValidAsciiPath(byte[] key, int segmentStart) {
        if (key[key.length - 1] == '/') {
            return false;
        }
        for (int i = segmentStart; i <= key.length; i++) {
            byte c = i == key.length ? (byte) '/' : key[i];
            if (isControl(c)) {
                return false;
            }
            if (c == '/') {
                if (isReservedSegment(key, segmentStart, i)) {
                    return false;
                }
                segmentStart = i + 1;
            }
        }
        return true;
    }

    /** The parent of a non-root path ("/" for a top-level node). */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The prefix every descendant's key has: "/a" gives "/a/", the root gives "/". */
    public static String childPrefix(String path) {
        return path.equals("/") ? "/" : path + "/";
    }
}
