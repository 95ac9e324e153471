package dev.cachai.server.tls;

import dev.cachai.etcd.EtcdTls;
import dev.cachai.server.config.ClientTls;
import dev.cachai.server.config.PeerTlsFiles;
import dev.cachai.server.transport.PeerTls;
import dev.cachai.zk.ZkSecurePort;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/** Reads the configured PEM files into the TLS settings of the etcd and ZooKeeper endpoints. */
public final class ClientTlsSetup {
    private ClientTlsSetup() {}

    /** The etcd port's TLS, or null for plain text. */
    public static EtcdTls etcd(ClientTls c) {
        if (!c.etcdTls()) {
            return null;
        }
        ReloadingKeyManager keys = new ReloadingKeyManager(c.etcdCertFile(), c.etcdKeyFile());
        return new EtcdTls(keys.servedKey(), List.of(keys.servedChain()), cas(c.etcdTrustedCaFile()),
                c.etcdClientCertAuth(), keys);
    }

    /** ZooKeeper's secure client port, or null without one. */
    public static ZkSecurePort zk(ClientTls c) {
        if (!c.zkSecure()) {
            return null;
        }
        return new ZkSecurePort(c.zkSecureListen().host(), c.zkSecureListen().port(),
                PemFiles.privateKey(c.zkKeyFile()), PemFiles.certificates(c.zkCertFile()), cas(c.zkTrustedCaFile()),
                ZkSecurePort.ClientCertificates.parse(c.zkClientCertAuth()), c.zkX509SuperUser());
    }

    /** TLS between members, or null for plain text. */
    public static PeerTls peer(PeerTlsFiles c) {
        if (!c.enabled()) {
            return null;
        }
        return PeerTls.of(new ReloadingKeyManager(c.certFile(), c.keyFile()), cas(c.trustedCaFile()),
                c.clientCertAuth());
    }

    private static List<X509Certificate> cas(Path file) {
        return file == null ? List.of() : PemFiles.certificates(file);
    }
}
