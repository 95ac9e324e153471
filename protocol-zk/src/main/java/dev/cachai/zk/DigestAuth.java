package dev.cachai.zk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** ZooKeeper's digest scheme: the id of "user:password" is "user:" + base64(sha1("user:password")). */
public final class DigestAuth {
    private DigestAuth() {}

    /**
     * The digest id for credentials "user:password". Without a ':' the whole text is the user
     * (ZooKeeper accepts such credentials too; they just match no ACL a client would write).
     */
    public static String idFor(String credentials) {
        int colon = credentials.indexOf(':');
        String user = colon < 0 ? credentials : credentials.substring(0, colon);
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA1").digest(credentials.getBytes(StandardCharsets.UTF_8));
            return user + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA1 is required by the JDK", e);
        }
    }

    public static String userOf(String digestId) {
        int colon = digestId.indexOf(':');
        return colon < 0 ? digestId : digestId.substring(0, colon);
    }
}
