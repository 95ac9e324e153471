package dev.cachai.compat.etcd;

import dev.cachai.engine.testing.TestPki;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ClientTls;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.netty.GrpcSslContexts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The etcd port over TLS with client certificates, as kube-apiserver uses etcd: the same etcdctl
 * commands (--cacert --cert --key) against a real etcd started with --cert-file, --key-file,
 * --trusted-ca-file and --client-cert-auth, and against Cachai with the same files; jetcd over TLS.
 */
class TlsDifferentialTest {
    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki.Issued server;
    private static TestPki.Issued root;
    private static TestPki.Issued alice;

    @BeforeAll
    static void issueCertificates() {
        pki = TestPki.create(dir);
        server = pki.issueServer("server");
        root = pki.issueClient("root", "root");
        alice = pki.issueClient("alice", "alice");
    }

    @Test
    void etcdctlWithClientCertificatesPrintsWhatEtcdPrints() throws Exception {
        List<String> expected;
        try (Targets.Target etcd = realEtcdWithTls()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            expected = script(etcd.endpoint());
        }
        try (CachaiServer cachai = startCachai()) {
            List<String> actual = script("https://127.0.0.1:" + cachai.etcdPort());
            assertThat(actual).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void jetcdOverTlsWithAClientCertificate() throws Exception {
        try (CachaiServer cachai = startCachai();
             Client client = Client.builder().endpoints("https://127.0.0.1:" + cachai.etcdPort())
                     .sslContext(GrpcSslContexts.forClient().trustManager(pki.caCertificate())
                             .keyManager(root.key(), root.certificate()).build())
                     .build()) {
            ByteSequence key = ByteSequence.from("tls-key", StandardCharsets.UTF_8);
            client.getKVClient().put(key, ByteSequence.from("v", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertThat(client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue()
                    .toString(StandardCharsets.UTF_8)).isEqualTo("v");
            assertThat(client.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers().get(0)
                    .getClientURIs().get(0).getScheme()).isEqualTo("https");
            assertThat(cachai.zkSecurePort()).isPositive();
        }
    }

    /** etcdctl as an operator runs it against a TLS endpoint: data, auth by certificate CommonName, refusals. */
    private static List<String> script(String endpoint) throws Exception {
        Etcdctl ctl = new Etcdctl(endpoint);
        List<String> out = new ArrayList<>();
        out.add(ctl.run(as(root, "put", "foo", "bar")));
        out.add(ctl.run(as(root, "get", "foo")));
        out.add(ctl.run(as(root, "user", "add", "root", "--new-user-password=rootpw")));
        out.add(ctl.run(as(root, "user", "grant-role", "root", "root")));
        out.add(ctl.run(as(root, "user", "add", "alice", "--new-user-password=alicepw")));
        out.add(ctl.run(as(root, "auth", "enable")));
        // No --user: the certificate's CommonName is the user.
        out.add(ctl.run(as(root, "put", "foo", "baz")));
        out.add(ctl.run(as(alice, "get", "foo")));
        out.add(ctl.run(as(alice, "--user=root:rootpw", "get", "foo")));
        out.add(ctl.run(as(root, "auth", "disable")));
        // Without a client certificate the handshake fails.
        out.add(ctl.run("--cacert=" + pki.caFile(), "--dial-timeout=2s", "get", "foo").startsWith("Error:") ? "refused" : "served");
        return out;
    }

    private static String[] as(TestPki.Issued client, String... args) {
        List<String> all = new ArrayList<>(List.of("--cacert=" + pki.caFile(), "--cert=" + client.certFile(),
                "--key=" + client.keyFile()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static CachaiServer startCachai() throws IOException {
        Path data = Files.createTempDirectory(dir, "cachai");
        ClientTls tls = new ClientTls(server.certFile(), server.keyFile(), pki.caFile(), true,
                new HostPort("127.0.0.1", 0), server.certFile(), server.keyFile(), pki.caFile(), "need");
        return CachaiServer.start(ServerConfig.ephemeral(data).withClientTls(tls));
    }

    /** A real etcd serving its client port with the same files and flags, or null when not installed. */
    private static Targets.Target realEtcdWithTls() throws IOException {
        return Targets.realEtcd("https", List.of("--cert-file", server.certFile().toString(),
                "--key-file", server.keyFile().toString(), "--trusted-ca-file", pki.caFile().toString(),
                "--client-cert-auth"));
    }
}
