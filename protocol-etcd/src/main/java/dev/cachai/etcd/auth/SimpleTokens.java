package dev.cachai.etcd.auth;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * etcd's "simple" tokens: random strings held by this node with a TTL renewed on use. Tokens are
 * per node (as in etcd), so a client re-authenticates after failing over to another member. They
 * act at the auth store's current revision: a simple token is never "old".
 */
public final class SimpleTokens implements TokenProvider {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int TOKEN_LETTERS = 16;
    /** Bounds memory under a client that authenticates in a loop without reusing tokens. */
    static final int TOKENS_MAX = 100_000;

    private record Entry(String user, long expiresAtMs) {}

    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong index = new AtomicLong();
    private final long ttlMs;
    private final LongSupplier clockMs;

    public SimpleTokens(long ttlSeconds, LongSupplier clockMs) {
        this.ttlMs = ttlSeconds * 1000;
        this.clockMs = clockMs;
    }

    @Override
    public String assign(String user, long authRevision) {
        if (tokens.size() >= TOKENS_MAX) {
            purgeExpired();
        }
        StringBuilder sb = new StringBuilder(TOKEN_LETTERS + 8);
        for (int i = 0; i < TOKEN_LETTERS; i++) {
            sb.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        String token = sb.append('.').append(index.incrementAndGet()).toString();
        tokens.put(token, new Entry(user, clockMs.getAsLong() + ttlMs));
        return token;
    }

    /** The user of a live token (renewing it), or null. */
    @Override
    public AuthInfo info(String token) {
        Entry e = tokens.get(token);
        long now = clockMs.getAsLong();
        if (e == null || e.expiresAtMs() < now) {
            if (e != null) {
                tokens.remove(token);
            }
            return null;
        }
        tokens.put(token, new Entry(e.user(), now + ttlMs));
        return AuthInfo.current(e.user());
    }

    @Override
    public void invalidateUser(String user) {
        tokens.values().removeIf(e -> e.user().equals(user));
    }

    @Override
    public void clear() {
        tokens.clear();
    }

    private void purgeExpired() {
        long now = clockMs.getAsLong();
        tokens.values().removeIf(e -> e.expiresAtMs() < now);
    }
}
