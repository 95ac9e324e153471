package dev.cachai.etcd.auth;

import io.grpc.Grpc;
import io.grpc.ServerCall;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** The client certificate of a gRPC call that arrived over TLS. */
final class ClientCertificates {
    private ClientCertificates() {}

    /**
     * The CommonName of the call's client certificate ("" when its subject has none, as Go's
     * Subject.CommonName), or null without TLS or without a certificate. The handshake already
     * verified the certificate against the trusted CAs (the port demands one when a CA is set).
     */
    static String commonName(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            return null;
        }
        return commonName((X509Certificate) chain[0]);
    }

    static String commonName(X509Certificate certificate) {
        try {
            String cn = "";
            // getRdns() lists the subject in certificate order; Go keeps the last CommonName it meets.
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return "";
        }
    }
}
