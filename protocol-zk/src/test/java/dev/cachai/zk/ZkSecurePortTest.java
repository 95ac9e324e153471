package dev.cachai.zk;

import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.engine.testing.TestPki;
import dev.cachai.metrics.MetricRegistry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ZooKeeper's Java client over TLS (Netty socket) on the secure client port, and the x509 scheme. */
class ZkSecurePortTest {
    private static final int WAIT_S = 10;

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Issued server;
    private static TestPki.Issued app;
    private static TestPki.Issued other;

    private ZkServer zk;
    private final List<ZooKeeper> clients = new ArrayList<>();

    @BeforeAll
    static void issueCertificates() {
        pki = TestPki.create(dir);
        server = pki.issueServer("server");
        app = pki.issueClient("app", "app");
        other = pki.issueClient("other", "other");
    }

    @AfterEach
    void stop() throws Exception {
        for (ZooKeeper c : clients) {
            c.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    private void start(ZkSecurePort.ClientCertificates clientAuth) {
        zk = new ZkServer(ZkServerConfig.defaults(), new SyncGateway(), new MetricRegistry(), new ZkSecurePort("127.0.0.1", 0,
                server.key(), List.of(server.certificate()), List.of(pki.caCertificate()), clientAuth));
        zk.start();
    }

    @Test
    void x509AclAdmitsOnlyTheCertificateItNames() throws Exception {
        start(ZkSecurePort.ClientCertificates.NEED);
        ZooKeeper asApp = connectSecure(app);
        assertThat(asApp.whoAmI()).as("in ZooKeeper's hash order (AuthInfoOrder)")
                .extracting(ClientInfo::getAuthScheme, ClientInfo::getUser)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ip", "127.0.0.1"),
                        org.assertj.core.groups.Tuple.tuple("x509", app.subjectDn()));
        asApp.create("/named", "secret".getBytes(), acl(new Id("x509", app.subjectDn())), CreateMode.PERSISTENT);
        // "auth" expands to the certificate's id, as CREATOR_ALL_ACL does for Kafka.
        asApp.create("/creator", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        assertThat(asApp.getACL("/creator", null)).containsExactly(
                new ACL(ZooDefs.Perms.ALL, new Id("x509", app.subjectDn())));
        assertThat(asApp.getData("/named", false, null)).isEqualTo("secret".getBytes());

        ZooKeeper asOther = connectSecure(other);
        assertThatThrownBy(() -> asOther.getData("/named", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> asOther.getData("/creator", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        ZooKeeper plain = connect(zk.port(), new ZKClientConfig());
        assertThatThrownBy(() -> plain.getData("/named", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
    }

    /** zookeeper.X509AuthenticationProvider.superUser: that certificate passes every ACL. */
    @Test
    void theConfiguredSubjectIsASuperUser() throws Exception {
        zk = new ZkServer(ZkServerConfig.defaults(), new SyncGateway(), new MetricRegistry(), new ZkSecurePort("127.0.0.1", 0,
                server.key(), List.of(server.certificate()), List.of(pki.caCertificate()),
                ZkSecurePort.ClientCertificates.NEED, app.subjectDn()));
        zk.start();
        ZooKeeper asOther = connectSecure(other);
        asOther.create("/others", "mine".getBytes(), acl(new Id("x509", other.subjectDn())), CreateMode.PERSISTENT);
        ZooKeeper asApp = connectSecure(app);
        assertThat(asApp.getData("/others", false, null)).isEqualTo("mine".getBytes());
        asApp.setData("/others", "super's".getBytes(), -1);
        // ZooKeeper adds a super entry (no user name) beside the x509 id; AuthInfoOrderTest has the order.
        assertThat(asApp.whoAmI()).extracting(ClientInfo::getAuthScheme, ClientInfo::getUser)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ip", "127.0.0.1"),
                        org.assertj.core.groups.Tuple.tuple("super", ""),
                        org.assertj.core.groups.Tuple.tuple("x509", app.subjectDn()));
        assertThat(asOther.whoAmI()).extracting(ClientInfo::getAuthScheme).containsExactlyInAnyOrder("ip", "x509");
        ZooKeeper third = connectSecure(pki.issueClient("third", "third"));
        assertThatThrownBy(() -> third.getData("/others", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void withoutTheX509ProviderX509AclsAreInvalid() throws Exception {
        zk = new ZkServer(ZkServerConfig.defaults(), new SyncGateway());
        zk.start();
        assertThat(zk.securePort()).isEqualTo(-1);
        ZooKeeper plain = connect(zk.port(), new ZKClientConfig());
        List<ACL> x509 = acl(new Id("x509", "CN=app,O=Cachai"));
        assertThatThrownBy(() -> plain.create("/n", null, x509, CreateMode.PERSISTENT))
                .isInstanceOf(KeeperException.InvalidACLException.class);
        plain.create("/n", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThatThrownBy(() -> plain.setACL("/n", x509, -1)).isInstanceOf(KeeperException.InvalidACLException.class);
    }

    @Test
    void wantLetsClientsWithoutCertificateIn() throws Exception {
        start(ZkSecurePort.ClientCertificates.WANT);
        ZooKeeper anonymous = connect(zk.securePort(), secureConfig(null));
        assertThat(anonymous.whoAmI()).extracting(ClientInfo::getAuthScheme).containsExactly("ip");
        anonymous.create("/open", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(anonymous.exists("/open", false)).isNotNull();
    }

    /** A mutable list: the client's ACL check asks contains(null), which List.of refuses. */
    private static List<ACL> acl(Id id) {
        return new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, id)));
    }

    private ZooKeeper connectSecure(TestPki.Issued client) throws Exception {
        return connect(zk.securePort(), secureConfig(client));
    }

    /** ZooKeeper's client TLS settings with PEM files: the key store file holds key and certificate. */
    private static ZKClientConfig secureConfig(TestPki.Issued client) {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        c.setProperty("zookeeper.ssl.trustStore.location", pki.caFile().toString());
        c.setProperty("zookeeper.ssl.trustStore.type", "PEM");
        if (client != null) {
            c.setProperty("zookeeper.ssl.keyStore.location", keyAndCertificate(client).toString());
            c.setProperty("zookeeper.ssl.keyStore.type", "PEM");
        }
        return c;
    }

    private static Path keyAndCertificate(TestPki.Issued client) {
        Path pem = client.keyFile().resolveSibling(client.keyFile().getFileName() + ".pem");
        try {
            Files.writeString(pem, Files.readString(client.keyFile()) + Files.readString(client.certFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pem;
    }

    private ZooKeeper connect(int port, ZKClientConfig config) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper c = new ZooKeeper("127.0.0.1:" + port, 5000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected && e.getType() == Watcher.Event.EventType.None) {
                connected.countDown();
            }
        }, config);
        clients.add(c);
        assertThat(connected.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        return c;
    }
}
