package dev.cachai.etcd.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
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

    private Passwords() {}

    public static String hash(String password) {
        byte[] salt = new byte[BCRYPT_SALT_BYTES];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(BCRYPT_VERSION, password.toCharArray(), salt, BCRYPT_COST);
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
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] expected = b64.decode(parts[3]);
        byte[] actual = derive(password, b64.decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
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
