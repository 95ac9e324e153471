package dev.cachai.etcd.auth;

import dev.cachai.etcd.auth.jwt.JwtSignMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthTokenOptionsTest {
    @Test
    void simpleIgnoresItsOptionsAsEtcdDoes() {
        assertThat(AuthTokenOptions.parse("simple")).isEqualTo(AuthTokenOptions.SIMPLE);
        assertThat(AuthTokenOptions.parse("simple,foo=bar")).isEqualTo(AuthTokenOptions.SIMPLE);
    }

    @Test
    void jwtWithEveryOption() {
        AuthTokenOptions o = AuthTokenOptions.parse("jwt,pub-key=/k/pub.pem,priv-key=/k/priv.pem,sign-method=PS384,ttl=10m");
        assertThat(o).isEqualTo(new AuthTokenOptions(AuthTokenOptions.Type.JWT, JwtSignMethod.PS384,
                Path.of("/k/pub.pem"), Path.of("/k/priv.pem"), Duration.ofMinutes(10), List.of()));
    }

    @Test
    void jwtDefaultsAndUnknownOptions() {
        AuthTokenOptions o = AuthTokenOptions.parse("jwt,sign-method=EdDSA,pub-key=,priv-key=/k,colour=blue");
        assertThat(o.ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.publicKeyFile()).as("an empty file option is absent").isNull();
        assertThat(o.unknownOptions()).containsExactly("colour");
    }

    @Test
    void ttlIsAGoDuration() {
        assertThat(ttl("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ttl("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ttl("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(ttl("2m0.5s")).isEqualTo(Duration.ofMillis(120_500));
        assertThat(ttl("90000000000ns")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ttl("1\u00b5s1s")).isEqualTo(Duration.ofNanos(1_000_001_000L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwt", "jwt,sign-method=XX256,priv-key=/k", "jwt,sign-method=rs256,priv-key=/k",
            "jwt,sign-method=none,priv-key=/k", "jwt,sign-method=RS256,ttl=abc", "jwt,sign-method=RS256,ttl=5",
            "jwt,sign-method=RS256,ttl=0", "jwt,sign-method=RS256,ttl=-5m", "jwt,sign-method=RS256,priv-key",
            "jwt,sign-method=RS256,priv-key=a=b", "jwt,sign-method=RS256,ttl=1m,ttl=2m", "jwt,", "foo", "",
            "JWT,sign-method=RS256"})
    void malformedOptionsAreEtcdsInvalidAuthOptions(String value) {
        assertThatThrownBy(() -> AuthTokenOptions.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("auth: invalid auth options (");
    }

    private static Duration ttl(String text) {
        return AuthTokenOptions.parse("jwt,sign-method=HS256,ttl=" + text).ttl();
    }
}
