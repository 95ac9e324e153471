package dev.cachai.etcd.auth;

/**
 * Who a request acts as, resolved from its token or client certificate.
 *
 * @param user        the user name
 * @param revision    the auth revision the credential was issued at (a JWT's "revision" claim);
 *                    {@link #ALWAYS_CURRENT} for simple tokens and certificates, which etcd
 *                    checks against the store's revision of the moment
 * @param expiresAtMs when the credential stops being valid (a JWT's "exp"); Long.MAX_VALUE for
 *                    credentials this node tracks itself
 */
public record AuthInfo(String user, long revision, long expiresAtMs) {
    public static final long ALWAYS_CURRENT = Long.MAX_VALUE;

    /** A credential that is never old: a simple token or a certificate's CommonName. */
    public static AuthInfo current(String user) {
        return new AuthInfo(user, ALWAYS_CURRENT, Long.MAX_VALUE);
    }

    boolean issuedAtCurrentRevision() {
        return revision == ALWAYS_CURRENT;
    }
}
