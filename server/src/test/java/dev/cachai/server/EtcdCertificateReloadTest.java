package dev.cachai.server;

import dev.cachai.engine.testing.TestPki;
import dev.cachai.server.config.ConfigLoader;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** As etcd, a certificate rotated on disk is what the etcd port's next handshake presents. */
class EtcdCertificateReloadTest {
    @Test
    void theEtcdPortPresentsTheCertificateNowOnDisk(@TempDir Path tmp) throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(tmp.resolve("pki")));
        TestPki.Issued first = pki.issueServer("first");
        TestPki.Issued second = pki.issueServer("second");
        Path cert = tmp.resolve("server.crt");
        Path key = tmp.resolve("server.key");
        Files.copy(first.certFile(), cert);
        Files.copy(first.keyFile(), key);
        ServerConfig config = ConfigLoader.load(new String[] {"--data-dir", tmp.resolve("data").toString(),
                "--zk-listen", "127.0.0.1:0", "--etcd-listen", "127.0.0.1:0", "--peer-listen", "127.0.0.1:0",
                "--cert-file", cert.toString(), "--key-file", key.toString()}, Map.of());
        try (CachaiServer node = CachaiServer.start(config)) {
            SSLContext trusting = pki.clientContext(null);
            assertThat(presented(trusting, node.etcdPort())).isEqualTo(first.certificate());
            Files.copy(second.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
            assertThat(presented(trusting, node.etcdPort())).isEqualTo(second.certificate());
        }
    }

    private static Certificate presented(SSLContext client, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        }
    }
}
