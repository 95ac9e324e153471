package dev.cachai.etcd.auth;

import dev.cachai.etcd.auth.jwt.JwtKeys;
import dev.cachai.etcd.auth.jwt.JwtTokens;

import java.time.Duration;
import java.util.function.LongSupplier;

/** Which tokens Authenticate hands out (etcd's --auth-token), with the JWT keys already loaded. */
public sealed interface AuthTokenConfig {
    AuthTokenConfig SIMPLE = new Simple();

    /** The provider for a node whose simple tokens live {@code simpleTtlSeconds} (etcd --auth-token-ttl). */
    TokenProvider provider(long simpleTtlSeconds, LongSupplier clockMs);

    /** Random tokens this node remembers (per node, as in etcd). */
    record Simple() implements AuthTokenConfig {
        @Override
        public TokenProvider provider(long simpleTtlSeconds, LongSupplier clockMs) {
            return new SimpleTokens(simpleTtlSeconds, clockMs);
        }
    }

    /** Signed JWTs that any member with the same keys verifies. */
    record Jwt(JwtKeys keys, Duration ttl) implements AuthTokenConfig {
        public Jwt {
            if (keys == null || ttl == null || ttl.toMillis() <= 0) {
                throw new IllegalArgumentException("jwt tokens need keys and a ttl of at least 1ms");
            }
        }

        @Override
        public TokenProvider provider(long simpleTtlSeconds, LongSupplier clockMs) {
            return new JwtTokens(keys, ttl.toMillis(), clockMs);
        }
    }
}
