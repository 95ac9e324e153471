package dev.cachai.etcd.auth.jwt;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;

/**
 * The keys of {@code --auth-token jwt,...}, checked as etcd checks them at start: a method needs
 * a key of its family; a private key alone also verifies; a public key alone makes a node that
 * verifies tokens but cannot issue them; given both, they must belong together. HMAC methods take
 * the bytes of the {@code priv-key} file as the shared secret.
 *
 * @param signingKey   the private key or shared secret; null on a verify-only node
 * @param verifyingKey the public key or shared secret
 */
public record JwtKeys(JwtSignMethod method, Key signingKey, Key verifyingKey) {
    /** etcd's errors for a key configuration it refuses (server/auth/store.go). */
    public static final String MISSING_KEY = "auth: missing key data";
    public static final String KEY_MISMATCH = "auth: public and private keys don't match";
    private static final byte[] PROBE = "cachai key pair probe".getBytes(StandardCharsets.US_ASCII);

    public JwtKeys {
        if (method == null || verifyingKey == null) {
            throw new IllegalArgumentException(MISSING_KEY);
        }
    }

    /** Keys for an RSA, RSA-PSS, ECDSA or EdDSA method; either may be null, not both. */
    public static JwtKeys asymmetric(JwtSignMethod method, PrivateKey privateKey, PublicKey publicKey) {
        if (!method.asymmetric()) {
            throw new IllegalArgumentException(method + " signs with a shared secret, not a key pair");
        }
        if (privateKey == null && publicKey == null) {
            throw new IllegalArgumentException(MISSING_KEY);
        }
        requireFamily(method, privateKey, "private");
        requireFamily(method, publicKey, "public");
        if (privateKey == null) {
            return new JwtKeys(method, null, publicKey);
        }
        if (publicKey != null) {
            if (!pair(method, privateKey, publicKey)) {
                throw new IllegalArgumentException(KEY_MISMATCH);
            }
            return new JwtKeys(method, privateKey, publicKey);
        }
        try {
            return new JwtKeys(method, privateKey, PublicKeys.of(privateKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A shared secret for HS256, HS384 or HS512: etcd uses the priv-key file's bytes as they are. */
    public static JwtKeys hmac(JwtSignMethod method, byte[] secret) {
        if (method.asymmetric()) {
            throw new IllegalArgumentException(method + " signs with a key pair, not a shared secret");
        }
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException(MISSING_KEY);
        }
        SecretKeySpec key = new SecretKeySpec(secret, method.jcaAlgorithm());
        return new JwtKeys(method, key, key);
    }

    /** A node that verifies tokens but cannot issue them (etcd: only pub-key given). */
    public boolean verifyOnly() {
        return signingKey == null;
    }

    private static void requireFamily(JwtSignMethod method, Key key, String half) {
        if (key == null) {
            return;
        }
        boolean fits = switch (method.family()) {
            case RSA, RSA_PSS -> key instanceof RSAKey;
            case EC -> key instanceof ECKey ec && ec.getParams().getCurve().getField().getFieldSize() == method.curveBits();
            case ED25519 -> key instanceof EdECKey ed && ed.getParams().getName().equals("Ed25519");
            case HMAC -> false;
        };
        if (!fits) {
            String curve = method.family() == JwtSignMethod.Family.EC ? " on P-" + method.curveBits() : "";
            throw new IllegalArgumentException("key is not a valid " + method.family().keyName() + curve + " "
                    + half + " key for sign-method " + method + " (got " + describe(key) + ")");
        }
    }

    private static String describe(Key key) {
        if (key instanceof ECKey ec) {
            return "an EC key on a " + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve";
        }
        return "a " + key.getAlgorithm() + " key";
    }

    /** Whether the public key verifies what the private key signs. */
    private static boolean pair(JwtSignMethod method, PrivateKey privateKey, PublicKey publicKey) {
        try {
            byte[] signature = JwtSignatures.sign(method, privateKey, PROBE);
            return JwtSignatures.verify(method, publicKey, PROBE, signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with the private key: " + e.getMessage(), e);
        }
    }
}
