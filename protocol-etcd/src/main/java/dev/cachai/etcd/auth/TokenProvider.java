package dev.cachai.etcd.auth;

/** How a node hands out and resolves auth tokens: etcd's "simple" or "jwt" (--auth-token). */
public interface TokenProvider {
    /**
     * A new token for {@code user}, who just authenticated while the auth store was at
     * {@code authRevision}. Fails with the status etcd answers when this node cannot issue one.
     */
    String assign(String user, long authRevision);

    /** The credential a token stands for, or null when it is unknown, forged or expired. */
    AuthInfo info(String token);

    /** Forgets the user's tokens (its password or roles changed, or it was deleted). */
    void invalidateUser(String user);

    /** Forgets every token (auth was disabled). */
    void clear();
}
