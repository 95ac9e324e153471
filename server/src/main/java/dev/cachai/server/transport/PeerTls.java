package dev.cachai.server.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
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

    public static PeerTls of(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustedCas,
                             boolean clientCertAuth) {
        if (key == null || chain.isEmpty() || trustedCas.isEmpty()) {
            throw new IllegalArgumentException("peer TLS needs a private key, a certificate and trusted CAs");
        }
        X509Certificate[] certs = chain.toArray(X509Certificate[]::new);
        X509Certificate[] cas = trustedCas.toArray(X509Certificate[]::new);
        try {
            SslContext server = SslContextBuilder.forServer(key, certs).trustManager(cas)
                    .clientAuth(clientCertAuth ? ClientAuth.REQUIRE : ClientAuth.NONE).build();
            SslContext client = SslContextBuilder.forClient().keyManager(key, certs).trustManager(cas)
                    .endpointIdentificationAlgorithm(HOSTNAME_CHECK).build();
            return new PeerTls(server, client);
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up peer TLS: " + e.getMessage(), e);
        }
    }
}
