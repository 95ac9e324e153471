package dev.cachai.etcd.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordsTest {
    @Test
    void hashesAreEtcdsBcryptAndCheckOnlyTheirPassword() {
        String hash = Passwords.hash("s3cret");
        assertThat(hash).startsWith("$2a$10$").hasSize(60);
        assertThat(Passwords.matches("s3cret", hash)).isTrue();
        assertThat(Passwords.matches("s3cret!", hash)).isFalse();
        assertThat(Passwords.hash("s3cret")).as("salted").isNotEqualTo(hash);
    }

    @Test
    void bcryptsPublishedVectorChecks() {
        // OpenBSD's vector, also in Go's golang.org/x/crypto/bcrypt tests: "U*U", cost 5.
        assertThat(Passwords.matches("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isTrue();
        assertThat(Passwords.matches("U*V", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")).isFalse();
    }

    @Test
    void aHashFromBeforeBcryptStillChecks() {
        // pbkdf2-sha256, 10,000 iterations, as Cachai stored passwords before (password "pw").
        String stored = "pbkdf2-sha256$10000$AAAAAAAAAAAAAAAAAAAAAA==$" + pbkdf2OfPwWithZeroSalt();
        assertThat(Passwords.matches("pw", stored)).isTrue();
        assertThat(Passwords.matches("other", stored)).isFalse();
    }

    @Test
    void noHashOrAMalformedOneChecksNothing() {
        assertThat(Passwords.matches("x", null)).isFalse();
        assertThat(Passwords.matches("x", "$2a$10$short")).isFalse();
        assertThat(Passwords.matches("x", "md5$abc")).isFalse();
    }

    @Test
    void aClientsHashIsKeptByteForByte() {
        byte[] raw = {'$', '2', 'a', (byte) 0xff, 0};
        String kept = Passwords.fromClient(java.util.Base64.getEncoder().encodeToString(raw));
        assertThat(Passwords.toStored(kept)).containsExactly(raw);
        assertThat(Passwords.fromClient("")).as("empty, as etcd decodes it").isEmpty();
        assertThat(Passwords.fromClient("%%")).as("not base64").isNull();
    }

    @Test
    void aMalformedOldStyleHashChecksNothing() {
        assertThat(Passwords.matches("x", "pbkdf2-sha256$many$AAAA$AAAA")).isFalse();
        assertThat(Passwords.matches("x", "pbkdf2-sha256$10$%%$AAAA")).isFalse();
        assertThat(Passwords.matches("x", "pbkdf2-sha256$10$$AAAA")).as("empty salt").isFalse();
        assertThat(Passwords.matches("x", "")).isFalse();
    }

    private static String pbkdf2OfPwWithZeroSalt() {
        try {
            var spec = new javax.crypto.spec.PBEKeySpec("pw".toCharArray(), new byte[16], 10_000, 256);
            byte[] key = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return java.util.Base64.getEncoder().encodeToString(key);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
