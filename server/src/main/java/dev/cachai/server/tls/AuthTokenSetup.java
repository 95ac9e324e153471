package dev.cachai.server.tls;

import dev.cachai.etcd.auth.AuthTokenConfig;
import dev.cachai.etcd.auth.AuthTokenOptions;
import dev.cachai.etcd.auth.jwt.JwtKeys;
import dev.cachai.etcd.auth.jwt.JwtSignMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Reads the key files named by etcd's {@code --auth-token jwt,...} into the keys the etcd adapter
 * signs and verifies with. A key etcd would refuse stops the start with etcd's error text.
 */
public final class AuthTokenSetup {
    private static final Logger LOG = LoggerFactory.getLogger(AuthTokenSetup.class);

    private AuthTokenSetup() {}

    public static AuthTokenConfig load(AuthTokenOptions options) {
        if (options.type() == AuthTokenOptions.Type.SIMPLE) {
            return AuthTokenConfig.SIMPLE;
        }
        if (!options.unknownOptions().isEmpty()) {
            LOG.warn("unknown JWT options {}", options.unknownOptions());
        }
        try {
            return new AuthTokenConfig.Jwt(keys(options), options.ttl());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auth-token: " + e.getMessage(), e);
        }
    }

    private static JwtKeys keys(AuthTokenOptions o) {
        JwtSignMethod method = o.signMethod();
        if (method.family() == JwtSignMethod.Family.HMAC) {
            return JwtKeys.hmac(method, o.privateKeyFile() == null ? null : PemFiles.bytes(o.privateKeyFile()));
        }
        PrivateKey privateKey = o.privateKeyFile() == null ? null : PemFiles.privateKey(o.privateKeyFile());
        PublicKey publicKey = o.publicKeyFile() == null ? null : PemFiles.publicKey(o.publicKeyFile());
        return JwtKeys.asymmetric(method, privateKey, publicKey);
    }

    /** How the log names the token setup at start. */
    public static String describe(AuthTokenOptions o) {
        if (o.type() == AuthTokenOptions.Type.SIMPLE) {
            return "simple";
        }
        String keys = o.privateKeyFile() == null ? "verify-only" : "signing";
        return "jwt " + o.signMethod() + " (" + keys + ", ttl " + o.ttl() + ")" + file(" pub-key ", o.publicKeyFile())
                + file(" priv-key ", o.privateKeyFile());
    }

    private static String file(String label, Path p) {
        return p == null ? "" : label + p;
    }
}
