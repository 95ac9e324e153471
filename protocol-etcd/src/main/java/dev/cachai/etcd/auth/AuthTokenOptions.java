package dev.cachai.etcd.auth;

import dev.cachai.etcd.auth.jwt.JwtSignMethod;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * etcd's {@code --auth-token} value as etcd reads it: {@code simple} (the default) or
 * {@code jwt,pub-key=PATH,priv-key=PATH,sign-method=METHOD,ttl=DURATION}. Options are
 * comma-separated {@code key=value} pairs; a malformed or repeated pair, an unknown token type,
 * a missing or unknown sign-method or a bad ttl is etcd's "auth: invalid auth options". Unknown
 * jwt options are only reported (etcd logs a warning). The key files are read later, by whoever
 * starts the server.
 *
 * @param publicKeyFile   pub-key, or null
 * @param privateKeyFile  priv-key (for HS* methods the shared secret), or null
 * @param ttl             jwt token lifetime (etcd's default 5m)
 * @param unknownOptions  jwt options etcd does not know, to warn about
 */
public record AuthTokenOptions(Type type, JwtSignMethod signMethod, Path publicKeyFile, Path privateKeyFile,
                               Duration ttl, List<String> unknownOptions) {
    public enum Type { SIMPLE, JWT }

    public static final String INVALID = "auth: invalid auth options";
    public static final AuthTokenOptions SIMPLE = new AuthTokenOptions(Type.SIMPLE, null, null, null, null, List.of());
    static final Duration JWT_TTL_DEFAULT = Duration.ofMinutes(5);
    private static final Set<String> JWT_OPTIONS = Set.of("sign-method", "pub-key", "priv-key", "ttl");

    public AuthTokenOptions {
        unknownOptions = List.copyOf(unknownOptions);
        if (type == Type.JWT && (signMethod == null || ttl == null)) {
            throw new IllegalArgumentException(INVALID + " (jwt needs a sign-method and a ttl)");
        }
    }

    public static AuthTokenOptions parse(String value) {
        String[] parts = value.split(",", -1);
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] pair = parts[i].split("=", -1);
            if (pair.length != 2) {
                throw invalid("'" + parts[i] + "' is not key=value");
            }
            if (options.put(pair[0], pair[1]) != null) {
                throw invalid("'" + pair[0] + "' given twice");
            }
        }
        switch (parts[0]) {
            case "simple":
                return SIMPLE;
            case "jwt":
                return jwt(options);
            default:
                throw invalid("unknown token type '" + parts[0] + "'; use simple or jwt");
        }
    }

    private static AuthTokenOptions jwt(Map<String, String> options) {
        Duration ttl = JWT_TTL_DEFAULT;
        String ttlText = options.getOrDefault("ttl", "");
        if (!ttlText.isEmpty()) {
            try {
                ttl = GoDurations.parse(ttlText);
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
            if (ttl.isNegative() || ttl.isZero() || ttl.toMillis() == 0) {
                // etcd would start and issue tokens that are expired at once.
                throw invalid("ttl must be at least 1ms, got '" + ttlText + "'");
            }
        }
        String method = options.getOrDefault("sign-method", "");
        JwtSignMethod signMethod = JwtSignMethod.named(method)
                .orElseThrow(() -> invalid("unknown sign-method '" + method + "'; use one of RS256, RS384, RS512, "
                        + "PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, HS256, HS384, HS512"));
        List<String> unknown = new ArrayList<>();
        options.keySet().stream().filter(k -> !JWT_OPTIONS.contains(k)).forEach(unknown::add);
        return new AuthTokenOptions(Type.JWT, signMethod, path(options.get("pub-key")), path(options.get("priv-key")),
                ttl, unknown);
    }

    /** etcd treats an empty file option as absent. */
    private static Path path(String value) {
        return value == null || value.isEmpty() ? null : Path.of(value);
    }

    private static IllegalArgumentException invalid(String detail) {
        return new IllegalArgumentException(INVALID + " (" + detail + ")");
    }
}
