package dev.cachai.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.engine.testing.TestPki;
import dev.cachai.etcd.proto.etcdserverpb.AuthEnableRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthGrpc;
import dev.cachai.etcd.proto.etcdserverpb.AuthRoleAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserGrantRoleRequest;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.metrics.MetricRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The etcd client port over TLS: gRPC (h2) and the HTTPS gateway on one port, client certificates. */
class TlsPortTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Issued server;
    private static TestPki.Issued root;
    private static TestPki.Issued alice;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private EtcdServer etcd;

    @BeforeAll
    static void issueCertificates() {
        pki = TestPki.create(dir);
        server = pki.issueServer("server");
        root = pki.issueClient("root", "root");
        alice = pki.issueClient("alice", "alice");
    }

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        if (etcd != null) {
            etcd.close();
        }
    }

    private void start(boolean clientCertAuth, boolean requireClientCertificates) {
        List<X509Certificate> cas = requireClientCertificates ? List.of(pki.caCertificate()) : List.of();
        etcd = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new SyncGateway(), new MetricRegistry(),
                new EtcdTls(server.key(), List.of(server.certificate()), cas, clientCertAuth));
        etcd.start();
    }

    @Test
    void grpcAndHttpsGatewayShareTheTlsPort() throws Exception {
        start(false, true);
        var kv = KVGrpc.newBlockingStub(channel(root)).withDeadlineAfter(10, TimeUnit.SECONDS);
        kv.put(PutRequest.newBuilder().setKey(utf8("foo")).setValue(utf8("bar")).build());
        // java.net.http offers h2 and http/1.1 by ALPN: the server picks http/1.1 for the gateway.
        HttpClient https = HttpClient.newBuilder().sslContext(jdkContext(root)).connectTimeout(TIMEOUT).build();
        String base = "https://127.0.0.1:" + etcd.port();
        HttpResponse<String> range = https.send(HttpRequest.newBuilder(URI.create(base + "/v3/kv/range"))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"Zm9v\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(range.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(range.body()).contains("\"value\":\"YmFy\"");
        String health = https.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(health).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
        assertThat(kv.range(RangeRequest.newBuilder().setKey(utf8("foo")).build()).getCount()).isEqualTo(1);
        assertThat(etcd.clientUrls()).containsExactly("https://127.0.0.1:" + etcd.port());
    }

    @Test
    void clientsWithoutCertificateOrWithoutTlsAreRefused() throws Exception {
        start(true, true);
        ManagedChannel noCertificate = track(NettyChannelBuilder.forAddress("127.0.0.1", etcd.port())
                .sslContext(GrpcSslContexts.forClient().trustManager(pki.caCertificate()).build()).build());
        assertRefused(noCertificate);
        ManagedChannel plainText = track(NettyChannelBuilder.forAddress("127.0.0.1", etcd.port()).usePlaintext().build());
        assertRefused(plainText);
        HttpClient plainHttp = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        assertThatThrownBy(() -> plainHttp.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + etcd.port() + "/health")).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void withoutTrustedCaAnyTlsClientIsServed() throws Exception {
        start(false, false);
        ManagedChannel noCertificate = track(NettyChannelBuilder.forAddress("127.0.0.1", etcd.port())
                .sslContext(GrpcSslContexts.forClient().trustManager(pki.caCertificate()).build()).build());
        KVGrpc.newBlockingStub(noCertificate).withDeadlineAfter(10, TimeUnit.SECONDS)
                .put(PutRequest.newBuilder().setKey(utf8("k")).setValue(utf8("v")).build());
    }

    @Test
    void clientCertAuthActsAsTheCommonNameWhenNoTokenIsGiven() throws Exception {
        start(true, true);
        var auth = AuthGrpc.newBlockingStub(channel(root)).withDeadlineAfter(10, TimeUnit.SECONDS);
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("pw").build());
        auth.roleAdd(AuthRoleAddRequest.newBuilder().setName("root").build());
        auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("alice").setPassword("pw").build());
        auth.authEnable(AuthEnableRequest.getDefaultInstance());

        // "root" by certificate: root may write anywhere, without a token.
        KVGrpc.newBlockingStub(channel(root)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .put(PutRequest.newBuilder().setKey(utf8("k")).setValue(utf8("v")).build());
        // "alice" exists but holds no role.
        var asAlice = KVGrpc.newBlockingStub(channel(alice)).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> asAlice.range(RangeRequest.newBuilder().setKey(utf8("k")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: permission denied"));
        // The gateway never takes a certificate's name: without a token it has no user.
        HttpClient https = HttpClient.newBuilder().sslContext(jdkContext(root)).connectTimeout(TIMEOUT).build();
        HttpResponse<String> viaGateway = https.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + etcd.port() + "/v3/kv/range")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"aw==\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viaGateway.body()).contains("etcdserver: user name is empty");
    }

    private static void assertRefused(ManagedChannel ch) {
        var kv = KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(utf8("k")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    private ManagedChannel channel(TestPki.Issued client) throws Exception {
        SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(pki.caCertificate())
                .keyManager(client.key(), client.certificate());
        return track(NettyChannelBuilder.forAddress("127.0.0.1", etcd.port()).sslContext(ssl.build()).build());
    }

    private ManagedChannel track(ManagedChannel ch) {
        channels.add(ch);
        return ch;
    }

    /** A JDK SSLContext presenting {@code client}'s certificate and trusting the test CA. */
    static SSLContext jdkContext(TestPki.Issued client) {
        return pki.clientContext(client);
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
