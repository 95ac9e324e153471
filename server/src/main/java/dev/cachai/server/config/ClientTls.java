package dev.cachai.server.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * TLS towards clients, off unless configured: the etcd port (etcd's --cert-file, --key-file,
 * --trusted-ca-file, --client-cert-auth) and ZooKeeper's secure client port (secureClientPort,
 * ssl.keyStore/ssl.trustStore as PEM, ssl.clientAuth). Files are read when the server starts.
 *
 * @param etcdCertFile        PEM certificate (chain) of the etcd port; null: plain text
 * @param etcdKeyFile         its PEM private key
 * @param etcdTrustedCaFile   PEM CAs for client certificates; set, client certificates are required
 * @param etcdClientCertAuth  a request without a token acts as its certificate's CommonName
 * @param zkSecureListen      ZooKeeper's secure client port; null: none
 * @param zkCertFile          PEM certificate (chain) of the secure port
 * @param zkKeyFile           its PEM private key
 * @param zkTrustedCaFile     PEM CAs for client certificates
 * @param zkClientCertAuth    ssl.clientAuth: need (ZooKeeper's default), want or none
 * @param zkX509SuperUser     zookeeper.X509AuthenticationProvider.superUser: the certificate subject
 *                            DN of the secure port's super user; null: none
 */
public record ClientTls(Path etcdCertFile, Path etcdKeyFile, Path etcdTrustedCaFile, boolean etcdClientCertAuth,
                        HostPort zkSecureListen, Path zkCertFile, Path zkKeyFile, Path zkTrustedCaFile,
                        String zkClientCertAuth, String zkX509SuperUser) {
    public static final ClientTls NONE = new ClientTls(null, null, null, false, null, null, null, null, "need");

    /** Settings without an x509 super user. */
    public ClientTls(Path etcdCertFile, Path etcdKeyFile, Path etcdTrustedCaFile, boolean etcdClientCertAuth,
                     HostPort zkSecureListen, Path zkCertFile, Path zkKeyFile, Path zkTrustedCaFile,
                     String zkClientCertAuth) {
        this(etcdCertFile, etcdKeyFile, etcdTrustedCaFile, etcdClientCertAuth, zkSecureListen, zkCertFile, zkKeyFile,
                zkTrustedCaFile, zkClientCertAuth, null);
    }

    public ClientTls {
        if ((etcdCertFile == null) != (etcdKeyFile == null)) {
            throw new IllegalArgumentException("etcd-cert-file and etcd-key-file go together");
        }
        if (etcdCertFile == null && (etcdTrustedCaFile != null || etcdClientCertAuth)) {
            throw new IllegalArgumentException("etcd-trusted-ca-file and etcd-client-cert-auth need etcd-cert-file and etcd-key-file");
        }
        if (etcdClientCertAuth && etcdTrustedCaFile == null) {
            throw new IllegalArgumentException("etcd-client-cert-auth needs etcd-trusted-ca-file");
        }
        zkClientCertAuth = zkClientCertAuth == null || zkClientCertAuth.isBlank() ? "need"
                : zkClientCertAuth.trim().toLowerCase(Locale.ROOT);
        if (!zkClientCertAuth.equals("need") && !zkClientCertAuth.equals("want") && !zkClientCertAuth.equals("none")) {
            throw new IllegalArgumentException("zk-client-cert-auth must be need, want or none, got '" + zkClientCertAuth + "'");
        }
        if (zkSecureListen != null && (zkCertFile == null || zkKeyFile == null)) {
            throw new IllegalArgumentException("zk-secure-listen needs zk-cert-file and zk-key-file");
        }
        if (zkSecureListen != null && zkTrustedCaFile == null && !zkClientCertAuth.equals("none")) {
            throw new IllegalArgumentException("zk-secure-listen needs zk-trusted-ca-file unless zk-client-cert-auth is none");
        }
        if (zkSecureListen == null && (zkCertFile != null || zkKeyFile != null || zkTrustedCaFile != null)) {
            throw new IllegalArgumentException("zk-cert-file, zk-key-file and zk-trusted-ca-file need zk-secure-listen");
        }
        if (zkX509SuperUser != null && zkX509SuperUser.isBlank()) {
            zkX509SuperUser = null;
        }
        if (zkX509SuperUser != null && (zkSecureListen == null || zkTrustedCaFile == null)) {
            throw new IllegalArgumentException(
                    "zk-x509-super-user needs zk-secure-listen and zk-trusted-ca-file (client certificates)");
        }
    }

    public boolean etcdTls() {
        return etcdCertFile != null;
    }

    public boolean zkSecure() {
        return zkSecureListen != null;
    }
}
