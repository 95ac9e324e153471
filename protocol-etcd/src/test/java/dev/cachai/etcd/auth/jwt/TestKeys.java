package dev.cachai.etcd.auth.jwt;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.EnumMap;
import java.util.Map;

/** One freshly generated key pair per key kind, shared by the JWT tests (RSA generation is slow). */
final class TestKeys {
    private static final Map<JwtSignMethod, KeyPair> PAIRS = new EnumMap<>(JwtSignMethod.class);
    private static KeyPair rsa;

    private TestKeys() {}

    static synchronized KeyPair pair(JwtSignMethod method) {
        return PAIRS.computeIfAbsent(method, TestKeys::generate);
    }

    /** Another pair of the same kind: a key the node does not trust. */
    static KeyPair stranger(JwtSignMethod method) {
        return generate(method, true);
    }

    private static KeyPair generate(JwtSignMethod method) {
        return generate(method, false);
    }

    private static synchronized KeyPair generate(JwtSignMethod method, boolean fresh) {
        try {
            switch (method.family()) {
                case RSA:
                case RSA_PSS:
                    if (rsa == null || fresh) {
                        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                        g.initialize(2048);
                        KeyPair pair = g.generateKeyPair();
                        if (fresh) {
                            return pair;
                        }
                        rsa = pair;
                    }
                    return rsa;
                case EC:
                    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                    ec.initialize(new ECGenParameterSpec("secp" + method.curveBits() + "r1"));
                    return ec.generateKeyPair();
                case ED25519:
                    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                default:
                    throw new IllegalArgumentException(method + " has no key pair");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
