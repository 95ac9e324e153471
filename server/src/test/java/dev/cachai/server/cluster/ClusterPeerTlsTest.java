package dev.cachai.server.cluster;

import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.PutResult;
import dev.cachai.engine.testing.TestPki;
import dev.cachai.server.config.PeerTlsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cachai.etcd.proto.etcdserverpb.ClusterGrpc;
import dev.cachai.etcd.proto.etcdserverpb.MemberListRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

import javax.net.ssl.SSLSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** Three members whose peer traffic runs over TLS (etcd's --peer-* flags), set up from PEM files. */
class ClusterPeerTlsTest {
    @Test
    void membersElectAndReplicateOverTls(@TempDir Path tmp) throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(tmp.resolve("pki")));
        TestPki.Issued member = pki.issueServer("member");
        PeerTlsFiles tls = new PeerTlsFiles(member.certFile(), member.keyFile(), pki.caFile(), true);
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, ClusterLimits.DEFAULTS,
                c -> c.withPeerTls(tls)).startAll()) {
            cluster.awaitLeader();
            // The peer port speaks TLS with the configured certificate (plain text would fail the handshake).
            int peerPort = ((ClusterDriver) cluster.view(2)).transport().port();
            try (SSLSocket socket = (SSLSocket) pki.clientContext(member).getSocketFactory()
                    .createSocket("127.0.0.1", peerPort)) {
                socket.startHandshake();
                assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(member.certificate());
            }
            // Members list each other's peer URLs as https, as etcd's do with its --peer-* flags.
            assertThat(peerUrlsListedBy(cluster.node(0).etcdPort())).hasSize(3).allSatisfy(urls ->
                    assertThat(urls).singleElement().asString().startsWith("https://127.0.0.1:"));
            PutResult put = (PutResult) cluster.node(1).gateway().propose(Put.of(utf8("over-tls"), utf8("v")))
                    .get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.node(i).gateway().readBarrier().get(10, TimeUnit.SECONDS))
                        .isGreaterThanOrEqualTo(put.revision());
                assertThat(cluster.node(i).gateway().engine().range(RangeRequest.prefix(utf8("over-tls"))).kvs())
                        .singleElement().satisfies(kv -> assertThat(kv.value()).isEqualTo(utf8("v")));
            }
        }
    }

    /** Every member's peer URLs, as etcd's MemberList answers them on the given client port. */
    private static List<List<String>> peerUrlsListedBy(int etcdPort) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", etcdPort).usePlaintext().build();
        try {
            return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .memberList(MemberListRequest.getDefaultInstance()).getMembersList().stream()
                    .map(m -> (List<String>) List.copyOf(m.getPeerURLsList())).toList();
        } finally {
            channel.shutdownNow();
        }
    }
}
