package dev.cachai.etcd.auth.jwt;

import javax.crypto.Mac;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/** JWS signatures with the JDK's providers, in the byte layout JWT fixes for each method. */
final class JwtSignatures {
    private static final int PSS_TRAILER_FIELD = 1;

    private JwtSignatures() {}

    static byte[] sign(JwtSignMethod method, Key key, byte[] signingInput) throws GeneralSecurityException {
        if (!method.asymmetric()) {
            return mac(method, key, signingInput);
        }
        Signature s = signature(method);
        s.initSign((PrivateKey) key);
        s.update(signingInput);
        return s.sign();
    }

    /** False for a signature that does not match, has the wrong length or cannot be parsed. */
    static boolean verify(JwtSignMethod method, Key key, byte[] signingInput, byte[] signature) {
        try {
            if (!method.asymmetric()) {
                return MessageDigest.isEqual(mac(method, key, signingInput), signature);
            }
            Signature s = signature(method);
            s.initVerify((PublicKey) key);
            s.update(signingInput);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] mac(JwtSignMethod method, Key key, byte[] input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(method.jcaAlgorithm());
        mac.init(key);
        return mac.doFinal(input);
    }

    private static Signature signature(JwtSignMethod method) throws GeneralSecurityException {
        Signature s = Signature.getInstance(method.jcaAlgorithm());
        if (method.family() == JwtSignMethod.Family.RSA_PSS) {
            // golang-jwt signs PSS with a salt as long as the digest.
            int saltBytes = MessageDigest.getInstance(method.digest()).getDigestLength();
            s.setParameter(new PSSParameterSpec(method.digest(), "MGF1", new MGF1ParameterSpec(method.digest()),
                    saltBytes, PSS_TRAILER_FIELD));
        }
        return s;
    }
}
