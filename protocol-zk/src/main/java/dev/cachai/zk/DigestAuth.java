package dev.cachai.zk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** ZooKeeper's digest scheme: the id of "user:password" is "user:" + base64(sha1("user:password")). */
public final class DigestAuth {
    private DigestAuth() {}

    /** The digest id for credentials "user:password", or null when they have no ':'. */
    public static String idFor(String credentials) {
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA1").digest(credentials.getBytes(StandardCharsets.UTF_8));
            return credentials.substring(0, colon) + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is required by the JDK", e);
        }
    }

    public static String userOf(String digestId) {
        int colon = digestId.indexOf(':');
        return colon < 0 ? digestId : digestId.substring(0, colon);
    }
}
