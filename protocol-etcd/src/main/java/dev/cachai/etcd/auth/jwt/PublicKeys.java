package dev.cachai.etcd.auth.jwt;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;

/**
 * The public half of a private key, so a node given only {@code priv-key} verifies what it signs,
 * as etcd does. The JDK reads private keys without their public part (PKCS#8 and PKCS#1 files
 * need not carry it), so EC and Ed25519 public points are computed here. This runs once at start
 * on the operator's own key, so it needs no protection against timing.
 */
final class PublicKeys {
    private PublicKeys() {}

    static PublicKey of(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof RSAPrivateCrtKey rsa) {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        if (key instanceof ECPrivateKey ec) {
            ECPoint w = Weierstrass.multiply(ec.getParams(), ec.getS());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
        }
        if (key instanceof EdECPrivateKey ed && ed.getParams().getName().equals(NamedParameterSpec.ED25519.getName())) {
            byte[] seed = ed.getBytes().orElseThrow(() -> new GeneralSecurityException("Ed25519 key without its bytes"));
            return KeyFactory.getInstance("Ed25519").generatePublic(
                    new EdECPublicKeySpec(NamedParameterSpec.ED25519, Edwards25519.publicPoint(seed)));
        }
        throw new GeneralSecurityException("cannot derive the public key of a " + key.getAlgorithm()
                + " private key; give pub-key too");
    }

    /** Short Weierstrass curves over a prime field (the NIST P curves), in affine coordinates. */
    static final class Weierstrass {
        private Weierstrass() {}

        static ECPoint multiply(ECParameterSpec spec, BigInteger k) {
            BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
            BigInteger a = spec.getCurve().getA();
            ECPoint result = ECPoint.POINT_INFINITY;
            for (int i = k.bitLength() - 1; i >= 0; i--) {
                result = add(result, result, a, p);
                if (k.testBit(i)) {
                    result = add(result, spec.getGenerator(), a, p);
                }
            }
            return result;
        }

        private static ECPoint add(ECPoint u, ECPoint v, BigInteger a, BigInteger p) {
            if (u.equals(ECPoint.POINT_INFINITY)) {
                return v;
            }
            if (v.equals(ECPoint.POINT_INFINITY)) {
                return u;
            }
            BigInteger slope;
            if (u.getAffineX().equals(v.getAffineX())) {
                if (u.getAffineY().add(v.getAffineY()).mod(p).signum() == 0) {
                    return ECPoint.POINT_INFINITY;
                }
                BigInteger x = u.getAffineX();
                slope = x.multiply(x).multiply(BigInteger.valueOf(3)).add(a)
                        .multiply(u.getAffineY().shiftLeft(1).modInverse(p)).mod(p);
            } else {
                slope = v.getAffineY().subtract(u.getAffineY())
                        .multiply(v.getAffineX().subtract(u.getAffineX()).modInverse(p)).mod(p);
            }
            BigInteger x3 = slope.multiply(slope).subtract(u.getAffineX()).subtract(v.getAffineX()).mod(p);
            BigInteger y3 = slope.multiply(u.getAffineX().subtract(x3)).subtract(u.getAffineY()).mod(p);
            return new ECPoint(x3, y3);
        }
    }

    /** Ed25519 (RFC 8032): the public point A = s·B of a 32-byte private seed. */
    static final class Edwards25519 {
        private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
        private static final BigInteger D = BigInteger.valueOf(-121665)
                .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
        private static final BigInteger SQRT_MINUS_ONE = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
        private static final BigInteger BASE_Y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
        private static final BigInteger[] BASE = {recoverX(BASE_Y), BASE_Y};
        private static final int SCALAR_BYTES = 32;

        private Edwards25519() {}

        static EdECPoint publicPoint(byte[] seed) throws GeneralSecurityException {
            byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
            h[0] &= (byte) 248;
            h[SCALAR_BYTES - 1] &= 127;
            h[SCALAR_BYTES - 1] |= 64;
            byte[] bigEndian = new byte[SCALAR_BYTES];
            for (int i = 0; i < SCALAR_BYTES; i++) {
                bigEndian[i] = h[SCALAR_BYTES - 1 - i];
            }
            BigInteger s = new BigInteger(1, bigEndian);
            BigInteger[] a = {BigInteger.ZERO, BigInteger.ONE};
            for (int i = s.bitLength() - 1; i >= 0; i--) {
                a = add(a, a);
                if (s.testBit(i)) {
                    a = add(a, BASE);
                }
            }
            return new EdECPoint(a[0].testBit(0), a[1]);
        }

        /** The twisted Edwards addition law (a = -1), complete: it also doubles. */
        private static BigInteger[] add(BigInteger[] u, BigInteger[] v) {
            BigInteger dxxyy = D.multiply(u[0]).multiply(v[0]).multiply(u[1]).multiply(v[1]).mod(P);
            BigInteger x = u[0].multiply(v[1]).add(v[0].multiply(u[1]))
                    .multiply(BigInteger.ONE.add(dxxyy).modInverse(P)).mod(P);
            BigInteger y = u[1].multiply(v[1]).add(u[0].multiply(v[0]))
                    .multiply(BigInteger.ONE.subtract(dxxyy).mod(P).modInverse(P)).mod(P);
            return new BigInteger[] {x, y};
        }

        /** The even x of the point with this y. */
        private static BigInteger recoverX(BigInteger y) {
            BigInteger yy = y.multiply(y);
            BigInteger xx = yy.subtract(BigInteger.ONE).multiply(D.multiply(yy).add(BigInteger.ONE).modInverse(P)).mod(P);
            BigInteger x = xx.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
            if (x.multiply(x).subtract(xx).mod(P).signum() != 0) {
                x = x.multiply(SQRT_MINUS_ONE).mod(P);
            }
            return x.testBit(0) ? P.subtract(x) : x;
        }
    }
}
