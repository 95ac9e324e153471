package dev.cachai.etcd.auth.jwt;

import dev.cachai.etcd.auth.AuthInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtTokensTest {
    private static final long TTL_MS = Duration.ofMinutes(5).toMillis();
    private static final long START_MS = 1_800_000_000_123L;
    private static final byte[] SECRET = "a shared secret\n".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong clockMs = new AtomicLong(START_MS);

    @ParameterizedTest
    @EnumSource(JwtSignMethod.class)
    void everyMethodIssuesATokenItVerifies(JwtSignMethod method) {
        JwtTokens tokens = tokens(keys(method));
        String token = tokens.assign("alice", 7);

        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(json(parts[0])).isEqualTo("{\"alg\":\"" + method.name() + "\",\"typ\":\"JWT\"}");
        long exp = (START_MS + TTL_MS) / 1000;
        assertThat(json(parts[1])).isEqualTo("{\"exp\":" + exp + ",\"revision\":7,\"username\":\"alice\"}");
        assertThat(tokens.info(token)).isEqualTo(new AuthInfo("alice", 7, exp * 1000));
    }

    @ParameterizedTest
    @EnumSource(value = JwtSignMethod.class, names = {"HS256", "HS384", "HS512"}, mode = EnumSource.Mode.EXCLUDE)
    void aPrivateKeyAloneAlsoVerifiesWithItsDerivedPublicKey(JwtSignMethod method) {
        KeyPair pair = TestKeys.pair(method);
        JwtKeys privateOnly = JwtKeys.asymmetric(method, pair.getPrivate(), null);
        assertThat(privateOnly.verifyingKey().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        String token = tokens(privateOnly).assign("root", 3);
        assertThat(tokens(JwtKeys.asymmetric(method, null, pair.getPublic())).info(token)).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(value = JwtSignMethod.class, names = {"RS256", "PS384", "ES512", "EdDSA"})
    void aNodeWithOnlyThePublicKeyVerifiesButCannotIssue(JwtSignMethod method) {
        KeyPair pair = TestKeys.pair(method);
        JwtTokens signer = tokens(JwtKeys.asymmetric(method, pair.getPrivate(), pair.getPublic()));
        JwtTokens verifier = tokens(JwtKeys.asymmetric(method, null, pair.getPublic()));

        assertThat(verifier.info(signer.assign("bob", 2))).isEqualTo(signer.info(signer.assign("bob", 2)));
        assertThatThrownBy(() -> verifier.assign("bob", 2)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
            assertThat(e.getStatus().getDescription()).isEqualTo("auth: token signing attempted with verify-only key");
        });
    }

    @Test
    void aTokenExpiresWhenTheClockReachesItsExpSecond() {
        JwtTokens tokens = tokens(keys(JwtSignMethod.ES256));
        String token = tokens.assign("alice", 1);
        long expMs = (START_MS + TTL_MS) / 1000 * 1000;

        clockMs.set(expMs - 1);
        assertThat(tokens.info(token)).isNotNull();
        clockMs.set(expMs);
        assertThat(tokens.info(token)).isNull();
    }

    @Test
    void claimsAreReadAsEtcdReadsThem() {
        JwtKeys keys = keys(JwtSignMethod.HS256);
        JwtTokens tokens = tokens(keys);
        long now = START_MS / 1000;

        assertThat(tokens.info(signed(keys, "{\"revision\":4,\"username\":\"u\"}")))
                .as("no exp: valid without end").isEqualTo(new AuthInfo("u", 4, Long.MAX_VALUE));
        assertThat(tokens.info(signed(keys, "{\"exp\":0,\"revision\":4,\"username\":\"u\"}")))
                .as("exp 0 counts as absent").isNotNull();
        assertThat(tokens.info(signed(keys, "{\"exp\":" + (now + 10) + ".9,\"revision\":4.0,\"username\":\"u\"}")))
                .as("numbers are doubles").isEqualTo(new AuthInfo("u", 4, (now + 10) * 1000));
        assertThat(tokens.info(signed(keys, "{\"exp\":\"" + (now + 10) + "\",\"revision\":4,\"username\":\"u\"}")))
                .as("exp as a string").isNull();
        assertThat(tokens.info(signed(keys, "{\"revision\":\"4\",\"username\":\"u\"}"))).as("revision as a string").isNull();
        assertThat(tokens.info(signed(keys, "{\"revision\":-1,\"username\":\"u\"}"))).as("negative revision").isNull();
        assertThat(tokens.info(signed(keys, "{\"revision\":4}"))).as("no username").isNull();
        assertThat(tokens.info(signed(keys, "{\"revision\":4,\"username\":\"u\",\"nbf\":" + (now + 1) + "}")))
                .as("not before").isNull();
        assertThat(tokens.info(signed(keys, "{\"revision\":4,\"username\":\"u\",\"iat\":" + (now + 1) + "}")))
                .as("issued in the future").isNull();
        assertThat(tokens.info(signed(keys, "[1,2]"))).as("claims not an object").isNull();
        assertThat(tokens.assign("na\"me\u00e9", 1)).satisfies(t ->
                assertThat(tokens.info(t).user()).isEqualTo("na\"me\u00e9"));
    }

    @Test
    void tamperedOrForeignTokensAreRefused() {
        KeyPair pair = TestKeys.pair(JwtSignMethod.RS256);
        JwtKeys keys = JwtKeys.asymmetric(JwtSignMethod.RS256, pair.getPrivate(), pair.getPublic());
        JwtTokens tokens = tokens(keys);
        String token = tokens.assign("alice", 5);
        String[] p = token.split("\\.");

        String otherUser = p[0] + "." + b64("{\"exp\":9999999999,\"revision\":5,\"username\":\"root\"}") + "." + p[2];
        byte[] sig = Base64.getUrlDecoder().decode(p[2]);
        sig[sig.length / 2] ^= 1;
        String flipped = p[0] + "." + p[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + p[1] + ".";
        // alg confusion: HMAC keyed with the public key's bytes must not pass on an RSA node
        JwtKeys confusion = JwtKeys.hmac(JwtSignMethod.HS256, pair.getPublic().getEncoded());
        String hs256 = tokens(confusion).assign("root", 5);
        KeyPair stranger = TestKeys.stranger(JwtSignMethod.RS256);
        String foreign = tokens(JwtKeys.asymmetric(JwtSignMethod.RS256, stranger.getPrivate(), null)).assign("alice", 5);
        String rs384 = tokens(JwtKeys.asymmetric(JwtSignMethod.RS384, pair.getPrivate(), null)).assign("alice", 5);

        assertThat(tokens.info(token)).isNotNull();
        for (String bad : new String[] {otherUser, flipped, none, hs256, foreign, rs384, p[0] + "." + p[1],
                token + ".x", token + "=", "garbage", "", "..", "a.b.c", "x".repeat(JwtTokens.TOKEN_CHARS_MAX + 1)}) {
            assertThat(tokens.info(bad)).as(bad.length() > 80 ? bad.substring(0, 80) : bad).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = JwtSignMethod.class, names = {"ES256", "ES384", "ES512"})
    void ecdsaSignaturesAreRawRAndSNotDer(JwtSignMethod method) throws Exception {
        KeyPair pair = TestKeys.pair(method);
        String token = tokens(keys(method)).assign("alice", 1);
        int lastDot = token.lastIndexOf('.');
        byte[] raw = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
        int half = (method.curveBits() + 7) / 8;
        assertThat(raw).hasSize(2 * half);

        Signature der = Signature.getInstance("SHA" + method.name().substring(2) + "withECDSA");
        der.initVerify(pair.getPublic());
        der.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        assertThat(der.verify(derSignature(Arrays.copyOf(raw, half), Arrays.copyOfRange(raw, half, raw.length)))).isTrue();
    }

    @Test
    void hmacUsesTheFileBytesAsTheSecret() {
        JwtTokens tokens = tokens(JwtKeys.hmac(JwtSignMethod.HS512, SECRET));
        String token = tokens.assign("alice", 1);
        byte[] trimmed = Arrays.copyOf(SECRET, SECRET.length - 1);
        assertThat(tokens(JwtKeys.hmac(JwtSignMethod.HS512, SECRET.clone())).info(token)).isNotNull();
        assertThat(tokens(JwtKeys.hmac(JwtSignMethod.HS512, trimmed)).info(token)).isNull();
    }

    @Test
    void keysAreCheckedAsEtcdChecksThemAtStart() {
        KeyPair rsa = TestKeys.pair(JwtSignMethod.RS256);
        KeyPair p384 = TestKeys.pair(JwtSignMethod.ES384);
        assertThatThrownBy(() -> JwtKeys.asymmetric(JwtSignMethod.RS256, null, null)).hasMessage("auth: missing key data");
        assertThatThrownBy(() -> JwtKeys.hmac(JwtSignMethod.HS256, new byte[0])).hasMessage("auth: missing key data");
        assertThatThrownBy(() -> JwtKeys.asymmetric(JwtSignMethod.RS256, rsa.getPrivate(),
                TestKeys.stranger(JwtSignMethod.RS256).getPublic())).hasMessage("auth: public and private keys don't match");
        assertThatThrownBy(() -> JwtKeys.asymmetric(JwtSignMethod.ES256, rsa.getPrivate(), null))
                .hasMessageStartingWith("key is not a valid EC on P-256 private key for sign-method ES256");
        assertThatThrownBy(() -> JwtKeys.asymmetric(JwtSignMethod.ES256, null, p384.getPublic()))
                .hasMessageContaining("got an EC key on a 384-bit curve");
        assertThatThrownBy(() -> JwtKeys.asymmetric(JwtSignMethod.EdDSA, p384.getPrivate(), null))
                .hasMessageStartingWith("key is not a valid Ed25519 private key");
        assertThatThrownBy(() -> JwtKeys.asymmetric(JwtSignMethod.HS256, rsa.getPrivate(), null))
                .hasMessageContaining("shared secret");
    }

    private JwtTokens tokens(JwtKeys keys) {
        return new JwtTokens(keys, TTL_MS, clockMs::get);
    }

    private static JwtKeys keys(JwtSignMethod method) {
        if (method.family() == JwtSignMethod.Family.HMAC) {
            return JwtKeys.hmac(method, SECRET);
        }
        KeyPair pair = TestKeys.pair(method);
        return JwtKeys.asymmetric(method, pair.getPrivate(), pair.getPublic());
    }

    /** A token with any claims, signed with the node's own key (as only a key holder could). */
    private static String signed(JwtKeys keys, String claims) {
        String input = b64(JwtJson.header(keys.method())) + "." + b64(claims);
        try {
            byte[] sig = JwtSignatures.sign(keys.method(), keys.signingKey(), input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(String segment) {
        return new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
    }

    /** SEQUENCE { INTEGER r, INTEGER s }, short form lengths are enough up to P-521. */
    private static byte[] derSignature(byte[] r, byte[] s) {
        byte[] ri = new BigInteger(1, r).toByteArray();
        byte[] si = new BigInteger(1, s).toByteArray();
        int bodyLength = 2 + ri.length + 2 + si.length;
        byte[] lengthBytes = bodyLength < 0x80 ? new byte[] {(byte) bodyLength} : new byte[] {(byte) 0x81, (byte) bodyLength};
        byte[] out = new byte[1 + lengthBytes.length + bodyLength];
        int i = 0;
        out[i++] = 0x30;
        for (byte b : lengthBytes) {
            out[i++] = b;
        }
        out[i++] = 0x02;
        out[i++] = (byte) ri.length;
        System.arraycopy(ri, 0, out, i, ri.length);
        i += ri.length;
        out[i++] = 0x02;
        out[i++] = (byte) si.length;
        System.arraycopy(si, 0, out, i, si.length);
        return out;
    }
}
