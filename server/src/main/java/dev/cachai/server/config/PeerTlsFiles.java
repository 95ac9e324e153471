package dev.cachai.server.config;

import java.nio.file.Path;

/**
 * TLS between cluster members, off unless configured: etcd's --peer-cert-file, --peer-key-file,
 * --peer-trusted-ca-file and --peer-client-cert-auth. Files are read when the node starts.
 *
 * @param certFile       PEM certificate (chain) a member serves and dials with; null: plain text
 * @param keyFile        its PEM private key
 * @param trustedCaFile  PEM CAs that sign the members' certificates
 * @param clientCertAuth a member dialing in must present a certificate those CAs signed
 */
public record PeerTlsFiles(Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth) {
    public static final PeerTlsFiles NONE = new PeerTlsFiles(null, null, null, false);

    public PeerTlsFiles {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("peer-cert-file and peer-key-file go together");
        }
        if (certFile == null && (trustedCaFile != null || clientCertAuth)) {
            throw new IllegalArgumentException(
                    "peer-trusted-ca-file and peer-client-cert-auth need peer-cert-file and peer-key-file");
        }
        if (certFile != null && trustedCaFile == null) {
            throw new IllegalArgumentException(
                    "peer-cert-file needs peer-trusted-ca-file: members check each other's certificates");
        }
    }

    public boolean enabled() {
        return certFile != null;
    }
}
