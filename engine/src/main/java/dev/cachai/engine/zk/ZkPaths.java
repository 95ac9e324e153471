package dev.cachai.engine.zk;

import java.nio.charset.StandardCharsets;

/** ZooKeeper path rules (PathUtils.validatePath) and path arithmetic. */
public final class ZkPaths {
    private ZkPaths() {}

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
        String[] segments = path.substring(1).split("/", -1);
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
        for (String s : segments) {
            if (s.equals(".") || s.equals("..")) {
                return "relative paths not allowed";
            }
        }
        return null;
    }

    public static boolean isValid(String path) {
        return invalidReason(path) == null;
    }

    /** Whether key bytes, read as UTF-8, form a valid path other than the root (the ZooKeeper view's keys). */
    public static boolean isNodeKey(byte[] key) {
        if (key.length < 2 || key[0] != '/') {
            return false;
        }
        String s = new String(key, StandardCharsets.UTF_8);
        return isValid(s) && java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), key);
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
