package dev.cachai.etcd.auth.jwt;

import java.util.Arrays;
import java.util.Optional;

/**
 * The JWT signing methods etcd accepts in {@code --auth-token jwt,sign-method=...} (the names of
 * golang-jwt, case as written), with the JDK algorithm behind each. EdDSA is etcd 3.6's addition.
 */
public enum JwtSignMethod {
    RS256(Family.RSA, "SHA256withRSA", "SHA-256", 0),
    RS384(Family.RSA, "SHA384withRSA", "SHA-384", 0),
    RS512(Family.RSA, "SHA512withRSA", "SHA-512", 0),
    PS256(Family.RSA_PSS, "RSASSA-PSS", "SHA-256", 0),
    PS384(Family.RSA_PSS, "RSASSA-PSS", "SHA-384", 0),
    PS512(Family.RSA_PSS, "RSASSA-PSS", "SHA-512", 0),
    /** ECDSA signatures in a JWT are R||S of fixed width (IEEE P1363), not DER. */
    ES256(Family.EC, "SHA256withECDSAinP1363Format", "SHA-256", 256),
    ES384(Family.EC, "SHA384withECDSAinP1363Format", "SHA-384", 384),
    ES512(Family.EC, "SHA512withECDSAinP1363Format", "SHA-512", 521),
    EdDSA(Family.ED25519, "Ed25519", null, 0),
    HS256(Family.HMAC, "HmacSHA256", "SHA-256", 0),
    HS384(Family.HMAC, "HmacSHA384", "SHA-384", 0),
    HS512(Family.HMAC, "HmacSHA512", "SHA-512", 0);

    /** Which kind of key a method takes. */
    public enum Family {
        RSA("RSA"), RSA_PSS("RSA"), EC("EC"), ED25519("Ed25519"), HMAC("a shared secret");

        private final String keyName;

        Family(String keyName) {
            this.keyName = keyName;
        }

        /** How an error message names the key this family needs. */
        public String keyName() {
            return keyName;
        }
    }

    private final Family family;
    private final String jcaAlgorithm;
    private final String digest;
    private final int curveBits;

    JwtSignMethod(Family family, String jcaAlgorithm, String digest, int curveBits) {
        this.family = family;
        this.jcaAlgorithm = jcaAlgorithm;
        this.digest = digest;
        this.curveBits = curveBits;
    }

    /** The method etcd names {@code name}: exact, case-sensitive, as golang-jwt looks it up. */
    public static Optional<JwtSignMethod> named(String name) {
        return Arrays.stream(values()).filter(m -> m.name().equals(name)).findFirst();
    }

    public Family family() {
        return family;
    }

    /** The name in a JWT header's "alg". */
    public String alg() {
        return name();
    }

    String jcaAlgorithm() {
        return jcaAlgorithm;
    }

    /** The message digest (RSASSA-PSS parameters and salt length). */
    String digest() {
        return digest;
    }

    /** The EC curve's field size the method is defined for (P-256, P-384, P-521); 0 otherwise. */
    int curveBits() {
        return curveBits;
    }

    boolean asymmetric() {
        return family != Family.HMAC;
    }
}
