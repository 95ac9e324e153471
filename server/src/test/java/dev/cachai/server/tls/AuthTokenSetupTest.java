package dev.cachai.server.tls;

import dev.cachai.engine.testing.TestPki;
import dev.cachai.etcd.auth.AuthTokenConfig;
import dev.cachai.etcd.auth.AuthTokenOptions;
import dev.cachai.etcd.auth.TokenProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --auth-token jwt,... with key files written as PEM by the test, loaded as the server loads them. */
class AuthTokenSetupTest {
    @TempDir
    Path dir;
    private Path priv;
    private Path pub;
    private Path otherPub;

    @BeforeEach
    void writeKeys() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        priv = dir.resolve("priv.pem");
        pub = dir.resolve("pub.pem");
        otherPub = dir.resolve("other.pem");
        TestPki.writePem(priv, "PRIVATE KEY", pair.getPrivate().getEncoded());
        TestPki.writePem(pub, "PUBLIC KEY", pair.getPublic().getEncoded());
        TestPki.writePem(otherPub, "PUBLIC KEY", KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded());
    }

    @Test
    void aSigningNodeAndAVerifyOnlyNodeShareTokens() {
        TokenProvider signing = provider("jwt,sign-method=EdDSA,priv-key=" + priv + ",pub-key=" + pub);
        TokenProvider privateOnly = provider("jwt,sign-method=EdDSA,priv-key=" + priv);
        TokenProvider verifyOnly = provider("jwt,sign-method=EdDSA,pub-key=" + pub + ",ttl=1m");
        String token = privateOnly.assign("root", 9);
        assertThat(signing.info(token).user()).isEqualTo("root");
        assertThat(verifyOnly.info(token).revision()).isEqualTo(9);
        assertThatThrownBy(() -> verifyOnly.assign("root", 9)).hasMessageContaining("verify-only key");
        assertThat(AuthTokenSetup.load(AuthTokenOptions.parse("simple"))).isEqualTo(AuthTokenConfig.SIMPLE);
    }

    @Test
    void hmacTakesThePrivKeyFileBytes() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cret\n");
        String token = provider("jwt,sign-method=HS256,priv-key=" + secret).assign("root", 1);
        Path trimmed = Files.writeString(dir.resolve("trimmed"), "s3cret");
        assertThat(provider("jwt,sign-method=HS256,priv-key=" + secret).info(token)).isNotNull();
        assertThat(provider("jwt,sign-method=HS256,priv-key=" + trimmed).info(token)).isNull();
    }

    @Test
    void keysEtcdRefusesStopTheStartWithItsText() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        assertThatThrownBy(() -> load("jwt,sign-method=RS256")).hasMessage("auth-token: auth: missing key data");
        assertThatThrownBy(() -> load("jwt,sign-method=HS512,priv-key=" + empty)).hasMessage("auth-token: auth: missing key data");
        assertThatThrownBy(() -> load("jwt,sign-method=EdDSA,priv-key=" + priv + ",pub-key=" + otherPub))
                .hasMessage("auth-token: auth: public and private keys don't match");
        assertThatThrownBy(() -> load("jwt,sign-method=ES256,priv-key=" + priv))
                .hasMessageStartingWith("auth-token: key is not a valid EC on P-256 private key");
        assertThatThrownBy(() -> load("jwt,sign-method=RS256,priv-key=" + dir.resolve("missing.pem")))
                .hasMessageContaining("cannot read");
        assertThatThrownBy(() -> load("jwt,sign-method=RS256,pub-key=" + priv)).hasMessageContaining("no PEM public key");
    }

    private static AuthTokenConfig load(String option) {
        return AuthTokenSetup.load(AuthTokenOptions.parse(option));
    }

    private static TokenProvider provider(String option) {
        return load(option).provider(300, System::currentTimeMillis);
    }
}
