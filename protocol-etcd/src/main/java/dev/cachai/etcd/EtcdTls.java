package dev.cachai.etcd;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS on the etcd client port, as etcd's {@code --cert-file}, {@code --key-file},
 * {@code --trusted-ca-file} and {@code --client-cert-auth} set it up. As in etcd, a trusted CA
 * alone already makes client certificates mandatory; {@code clientCertAuth} additionally lets a
 * request without a token act as the user named by its certificate's CommonName.
 *
 * @param key              the server's private key
 * @param certificateChain the server's certificate first, then any intermediates
 * @param trustedCas       CAs that sign client certificates; empty: clients are not asked for one
 * @param clientCertAuth   etcd's --client-cert-auth
 * @param keyManager       where each handshake takes the certificate and key (one that reads the
 *                         files again when they change, as etcd does); null: {@code key} and
 *                         {@code certificateChain} as given
 */
public record EtcdTls(PrivateKey key, List<X509Certificate> certificateChain, List<X509Certificate> trustedCas,
                      boolean clientCertAuth, X509ExtendedKeyManager keyManager) {

    /** TLS with this certificate and key for as long as the server runs. */
    public EtcdTls(PrivateKey key, List<X509Certificate> certificateChain, List<X509Certificate> trustedCas,
                   boolean clientCertAuth) {
        this(key, certificateChain, trustedCas, clientCertAuth, null);
    }

    public EtcdTls {
        certificateChain = List.copyOf(certificateChain);
        trustedCas = List.copyOf(trustedCas);
        if (key == null || certificateChain.isEmpty()) {
            throw new IllegalArgumentException("TLS needs a private key and a certificate");
        }
        if (clientCertAuth && trustedCas.isEmpty()) {
            throw new IllegalArgumentException("client certificate authentication needs a trusted CA file");
        }
    }

    /** Whether the handshake demands a certificate signed by a trusted CA (etcd's RequireAndVerifyClientCert). */
    public boolean requiresClientCertificate() {
        return !trustedCas.isEmpty();
    }

    /**
     * The server context of the shared port. ALPN offers HTTP/1.1 before h2, so a client that
     * speaks both (curl, browsers, java.net.http) reaches the HTTP/JSON gateway over HTTP/1.1,
     * while gRPC clients, which offer only h2, get h2. (etcd serves its gateway over HTTP/2 as
     * well; here HTTP/2 is gRPC's alone.)
     */
    SslContext sharedPortContext() {
        return build(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_1_1, ApplicationProtocolNames.HTTP_2));
    }

    /** The server context of a gRPC-only port (the gateway on a port of its own). */
    SslContext grpcOnlyContext() {
        SslContextBuilder b = GrpcSslContexts.configure(builder(), SslProvider.JDK);
        return finish(b);
    }

    /** The server context of a gateway-only port. */
    SslContext http1OnlyContext() {
        return build(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_1_1));
    }

    private SslContext build(ApplicationProtocolConfig alpn) {
        return finish(builder().sslProvider(SslProvider.JDK)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(alpn));
    }

    private SslContextBuilder builder() {
        SslContextBuilder b = keyManager != null ? SslContextBuilder.forServer(keyManager)
                : SslContextBuilder.forServer(key, certificateChain.toArray(X509Certificate[]::new));
        if (requiresClientCertificate()) {
            b.trustManager(trustedCas.toArray(X509Certificate[]::new)).clientAuth(ClientAuth.REQUIRE);
        }
        return b;
    }

    private static SslContext finish(SslContextBuilder b) {
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
