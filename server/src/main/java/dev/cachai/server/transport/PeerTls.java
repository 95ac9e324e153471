package dev.cachai.server.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS between cluster members (etcd's --peer-cert-file, --peer-key-file, --peer-trusted-ca-file,
 * --peer-client-cert-auth). A member serves and dials with the same certificate. Dialing, it
 * checks the peer's certificate against the trusted CAs and the address it dialed (host name or
 * IP in the certificate), as etcd's Go client does; serving, it asks for the dialer's certificate
 * when client certificates are required.
 *
 * @param server the listening side's context
 * @param client the dialing side's context
 */
public record PeerTls(SslContext server, SslContext client) {
    /** Verifies the dialed address against the certificate, as HTTPS does. */
    private static final String HOSTNAME_CHECK = "HTTPS";

    /** With this certificate and key for as long as the member runs. */
    public static PeerTls of(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustedCas,
                             boolean clientCertAuth) {
        if (key == null || chain.isEmpty()) {
            throw new IllegalArgumentException("peer TLS needs a private key and a certificate");
        }
        X509Certificate[] certs = chain.toArray(X509Certificate[]::new);
        return build(SslContextBuilder.forServer(key, certs), SslContextBuilder.forClient().keyManager(key, certs),
                trustedCas, clientCertAuth);
    }

    /** Taking the certificate and key from {@code keys} at each handshake (one that follows rotated files). */
    public static PeerTls of(X509ExtendedKeyManager keys, List<X509Certificate> trustedCas, boolean clientCertAuth) {
        return build(SslContextBuilder.forServer(keys), SslContextBuilder.forClient().keyManager(keys), trustedCas,
                clientCertAuth);
    }

    private static PeerTls build(SslContextBuilder server, SslContextBuilder client, List<X509Certificate> trustedCas,
                                 boolean clientCertAuth) {
        if (trustedCas.isEmpty()) {
            throw new IllegalArgumentException("peer TLS needs trusted CAs");
        }
        X509Certificate[] cas = trustedCas.toArray(X509Certificate[]::new);
        try {
            return new PeerTls(server.trustManager(cas).clientAuth(clientCertAuth ? ClientAuth.REQUIRE : ClientAuth.NONE)
                    .build(), client.trustManager(cas).endpointIdentificationAlgorithm(HOSTNAME_CHECK).build());
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up peer TLS: " + e.getMessage(), e);
        }
    }
}
