package dev.cachai.etcd.auth.jwt;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.cachai.etcd.auth.AuthInfo;
import dev.cachai.etcd.auth.TokenProvider;
import io.grpc.Status;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * etcd's JWT tokens: a signed {@code username}, auth {@code revision} and {@code exp}. Nothing is
 * kept per token, so every member configured with the same key verifies tokens issued by any
 * other (and by a real etcd given the same key). A token whose revision is behind the auth
 * store's is refused later, by the permission check, as etcd refuses it.
 */
public final class JwtTokens implements TokenProvider {
    /** What etcd answers on Authenticate when only a public key was configured (gRPC code Unknown). */
    public static final String VERIFY_ONLY = "auth: token signing attempted with verify-only key";
    /** Bounds the work a hostile token can cause before its signature is checked. */
    static final int TOKEN_CHARS_MAX = 16 * 1024;
    private static final long MS_PER_SECOND = 1000;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final JwtKeys keys;
    private final long ttlMs;
    private final LongSupplier clockMs;

    public JwtTokens(JwtKeys keys, long ttlMs, LongSupplier clockMs) {
        if (ttlMs <= 0) {
            throw new IllegalArgumentException("JWT ttl must be positive");
        }
        this.keys = keys;
        this.ttlMs = ttlMs;
        this.clockMs = clockMs;
    }

    @Override
    public String assign(String user, long authRevision) {
        if (keys.verifyOnly()) {
            throw Status.UNKNOWN.withDescription(VERIFY_ONLY).asRuntimeException();
        }
        long expiresAtSeconds = Math.floorDiv(clockMs.getAsLong() + ttlMs, MS_PER_SECOND);
        String signingInput = encode(JwtJson.header(keys.method())) + "."
                + encode(JwtJson.claims(user, authRevision, expiresAtSeconds));
        try {
            byte[] signature = JwtSignatures.sign(keys.method(), keys.signingKey(), ascii(signingInput));
            return signingInput + "." + ENCODER.encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw Status.UNKNOWN.withDescription("failed to sign a JWT token: " + e.getMessage()).asRuntimeException();
        }
    }

    @Override
    public AuthInfo info(String token) {
        if (token.length() > TOKEN_CHARS_MAX || token.indexOf('=') >= 0) {
            return null;
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        Struct header = JwtJson.parseObject(decode(parts[0]));
        if (header == null || !keys.method().alg().equals(string(header, "alg"))) {
            return null;
        }
        Struct claims = JwtJson.parseObject(decode(parts[1]));
        byte[] signature = bytes(parts[2]);
        if (claims == null || signature == null
                || !JwtSignatures.verify(keys.method(), keys.verifyingKey(), ascii(parts[0] + "." + parts[1]), signature)) {
            return null;
        }
        return authInfo(claims, Math.floorDiv(clockMs.getAsLong(), MS_PER_SECOND));
    }

    /**
     * Nothing to forget: a JWT stays valid until it expires or the auth revision moves past it,
     * which every change to users and roles does (etcd's tokenJWT ignores these calls too).
     */
    @Override
    public void invalidateUser(String user) {
        // The change that calls this also moves the auth revision past the user's tokens.
    }

    @Override
    public void clear() {
        // Disabling auth moves the auth revision too: tokens issued before stay refused.
    }

    /** The claims etcd reads, after golang-jwt's time checks: exp, nbf and iat, each only if present. */
    private static AuthInfo authInfo(Struct claims, long nowSeconds) {
        Double exp = number(claims, "exp");
        Double notBefore = number(claims, "nbf");
        Double issuedAt = number(claims, "iat");
        if (exp == null || notBefore == null || issuedAt == null) {
            return null;
        }
        boolean expires = claims.containsFields("exp") && exp != 0;
        if ((expires && nowSeconds >= Math.floor(exp)) || nowSeconds < Math.floor(notBefore)
                || nowSeconds < Math.floor(issuedAt)) {
            return null;
        }
        String user = string(claims, "username");
        Value revision = claims.getFieldsMap().get("revision");
        if (user == null || revision == null || revision.getKindCase() != Value.KindCase.NUMBER_VALUE) {
            return null;
        }
        double r = revision.getNumberValue();
        if (!(r >= 0 && r < 0x1p63)) {
            return null;
        }
        long expiresAtMs = expires ? (long) Math.floor(exp) * MS_PER_SECOND : Long.MAX_VALUE;
        return new AuthInfo(user, (long) r, expiresAtMs);
    }

    /** A numeric claim, 0.0 when absent, null when present but not a number (golang-jwt refuses the token). */
    private static Double number(Struct claims, String name) {
        Value v = claims.getFieldsMap().get(name);
        if (v == null) {
            return 0.0;
        }
        return v.getKindCase() == Value.KindCase.NUMBER_VALUE ? v.getNumberValue() : null;
    }

    private static String string(Struct object, String name) {
        Value v = object.getFieldsMap().get(name);
        return v != null && v.getKindCase() == Value.KindCase.STRING_VALUE ? v.getStringValue() : null;
    }

    private static String encode(String json) {
        return ENCODER.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The UTF-8 text of a segment, or "" (which parses as no object) when it is not base64url. */
    private static String decode(String segment) {
        byte[] b = bytes(segment);
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String segment) {
        try {
            return DECODER.decode(segment);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
