package dev.cachai.etcd.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Password hashes as etcd makes them: bcrypt ({@code $2a$}) at etcd's default cost of 10, computed
 * before a command is proposed so the replicated log never carries a clear-text password. Being
 * etcd's, they pass both ways: a snapshot Cachai sends restores into an etcd whose users log in
 * with their passwords. A hash made before Cachai used bcrypt ({@code pbkdf2-sha256$iterations
 * $salt$hash}) still checks.
 */
public final class Passwords {
    /** etcd's default ({@code --bcrypt-cost}), and Go's bcrypt.DefaultCost. */
    private static final int BCRYPT_COST = 10;
    private static final String BCRYPT_VERSION = "2a";
    private static final int BCRYPT_SALT_BYTES = 16;
    private static final String PBKDF2_PREFIX = "pbkdf2-sha256";
    private static final int PBKDF2_HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Longest hash a client may hand in (a bcrypt hash has 60 bytes); it bounds what the log and
     * the snapshot carry per user.
     */
    public static final int CLIENT_HASH_BYTES_MAX = 1024;

    private Passwords() {}

    public static String hash(String password) {
        byte[] salt = new byte[BCRYPT_SALT_BYTES];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(BCRYPT_VERSION, password.toCharArray(), salt, BCRYPT_COST);
    }

    /**
     * The hash a client sent in {@code hashed_password} (etcd 3.5's UserChangePassword): base64 of
     * the stored bytes, kept as they are, as etcd keeps them; null when it is not base64.
     */
    public static String fromClient(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        if (raw.length > CLIENT_HASH_BYTES_MAX) {
            throw new IllegalArgumentException("hashed password longer than " + CLIENT_HASH_BYTES_MAX + " bytes");
        }
        return fromStored(raw);
    }

    /** A hash as etcd's auth bucket stores it (authpb.User.password): one char per byte, both ways. */
    public static String fromStored(byte[] stored) {
        return new String(stored, StandardCharsets.ISO_8859_1);
    }

    public static byte[] toStored(String hash) {
        return hash.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static boolean matches(String password, String stored) {
        if (stored == null) {
            return false;
        }
        if (stored.startsWith("$2")) {
            try {
                return OpenBSDBCrypt.checkPassword(stored, password.toCharArray());
            } catch (RuntimeException malformed) { // BouncyCastle's DataLengthException, IllegalArgumentException
                return false;
            }
        }
        return matchesPbkdf2(password, stored);
    }

    private static boolean matchesPbkdf2(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(PBKDF2_PREFIX)) {
            return false;
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] expected = b64.decode(parts[3]);
            byte[] actual = derive(password, b64.decode(parts[2]), Integer.parseInt(parts[1]));
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException malformed) { // bad base64, iteration count or empty salt
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, PBKDF2_HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 unavailable", e);
        }
    }
}
