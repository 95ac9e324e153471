package dev.cachai.zk;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * ZooKeeper's {@code secureClientPort}: the same protocol over TLS on a port of its own. A client
 * that presents a certificate the trusted CAs verify is authenticated as
 * {@code x509:<subject DN>}, as ZooKeeper's X509AuthenticationProvider does, and as a super user
 * too when that DN is the configured {@code superUser}.
 *
 * @param host             address to bind (secureClientPortAddress)
 * @param port             port to bind; 0 picks a free one
 * @param key              the server's private key
 * @param certificateChain the server's certificate first, then any intermediates
 * @param trustedCas       CAs that sign client certificates (ssl.trustStore)
 * @param clientAuth       ssl.clientAuth
 * @param superUser        zookeeper.X509AuthenticationProvider.superUser: the subject DN (RFC 2253,
 *                         compared as written) whose certificate makes a super user; null: none
 */
public record ZkSecurePort(String host, int port, PrivateKey key, List<X509Certificate> certificateChain,
                           List<X509Certificate> trustedCas, ClientCertificates clientAuth, String superUser) {

    /** A port without an x509 super user. */
    public ZkSecurePort(String host, int port, PrivateKey key, List<X509Certificate> certificateChain,
                        List<X509Certificate> trustedCas, ClientCertificates clientAuth) {
        this(host, port, key, certificateChain, trustedCas, clientAuth, null);
    }

    /** ZooKeeper's ssl.clientAuth values; "need" is its default. */
    public enum ClientCertificates {
        NEED, WANT, NONE;

        /** ZooKeeper's spelling, any case; empty or null means its default, NEED. */
        public static ClientCertificates parse(String value) {
            if (value == null || value.isBlank()) {
                return NEED;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ssl.clientAuth must be need, want or none, got '" + value + "'");
            }
        }
    }

    public ZkSecurePort {
        certificateChain = List.copyOf(certificateChain);
        trustedCas = List.copyOf(trustedCas);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("secure client port out of range");
        }
        if (key == null || certificateChain.isEmpty()) {
            throw new IllegalArgumentException("the secure client port needs a private key and a certificate");
        }
        if (clientAuth != ClientCertificates.NONE && trustedCas.isEmpty()) {
            throw new IllegalArgumentException("client certificates (ssl.clientAuth " + clientAuth.name().toLowerCase(Locale.ROOT)
                    + ") need a trusted CA file");
        }
    }

    /** The same settings on another port (a restart keeps the port first bound). */
    public ZkSecurePort withPort(int newPort) {
        return new ZkSecurePort(host, newPort, key, certificateChain, trustedCas, clientAuth, superUser);
    }

    SslContext serverContext() {
        SslContextBuilder b = SslContextBuilder.forServer(key, certificateChain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK);
        if (clientAuth != ClientCertificates.NONE) {
            b.trustManager(trustedCas.toArray(X509Certificate[]::new))
                    .clientAuth(clientAuth == ClientCertificates.NEED ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
