package dev.cachai.server.transport;

import dev.cachai.engine.testing.TestPki;
import dev.cachai.server.config.HostPort;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Members talking over TLS, and members that cannot prove themselves kept out. */
class PeerTlsTest {
    private static final long CLUSTER = 7;
    /** How long a refused peer is watched for frames getting through (they never should). */
    private static final Duration REFUSED_WATCH = Duration.ofMillis(1500);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki stranger;
    private static PeerTls memberTls;

    @BeforeAll
    static void issue() throws IOException {
        pki = TestPki.create(java.nio.file.Files.createDirectories(dir.resolve("ca")));
        stranger = TestPki.create(java.nio.file.Files.createDirectories(dir.resolve("other-ca")));
        memberTls = tlsOf(pki, pki.issueServer("member"));
    }

    private static PeerTls tlsOf(TestPki ca, TestPki.Issued cert) {
        return PeerTls.of(cert.key(), List.of(cert.certificate()), List.of(ca.caCertificate()), true);
    }

    private static PeerTransport node(int self, int port, int peer, int peerPort, PeerTls tls,
                                      ConcurrentLinkedQueue<PeerFrame> inbox) {
        PeerTransport t = new PeerTransport(self, CLUSTER, new HostPort("127.0.0.1", port), null,
                Map.of(peer, new HostPort("127.0.0.1", peerPort)), TransportLimits.DEFAULTS,
                (from, frame) -> inbox.add(frame), hello -> { }, PeerTraffic.NONE, tls, null);
        t.start();
        return t;
    }

    @Test
    void membersWithCertificatesOfTheClusterCaExchangeFrames() {
        int portA = PeerTransportTest.freePort();
        int portB = PeerTransportTest.freePort();
        ConcurrentLinkedQueue<PeerFrame> atA = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<PeerFrame> atB = new ConcurrentLinkedQueue<>();
        try (PeerTransport a = node(1, portA, 2, portB, memberTls, atA);
             PeerTransport b = node(2, portB, 1, portA, memberTls, atB)) {
            PeerTransportTest.awaitDelivery(a, 2, atB);
            PeerTransportTest.awaitDelivery(b, 1, atA);
            byte[] large = new byte[3 << 20];
            java.util.Arrays.fill(large, (byte) 9);
            atB.clear();
            assertThat(a.send(2, new PeerFrame.Forward(77, large))).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> atB.stream().anyMatch(PeerFrame.Forward.class::isInstance));
            PeerFrame.Forward got = (PeerFrame.Forward) atB.stream().filter(PeerFrame.Forward.class::isInstance)
                    .findFirst().orElseThrow();
            assertThat(got.payload()).isEqualTo(large);
        }
    }

    @Test
    void aPeerWithAnotherCasCertificateOrNoTlsGetsNoFrameThrough() {
        for (PeerTls intruderTls : new PeerTls[] {tlsOf(stranger, stranger.issueServer("intruder")), null}) {
            int portA = PeerTransportTest.freePort();
            int portB = PeerTransportTest.freePort();
            ConcurrentLinkedQueue<PeerFrame> atA = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<PeerFrame> atB = new ConcurrentLinkedQueue<>();
            try (PeerTransport member = node(1, portA, 2, portB, memberTls, atA);
                 PeerTransport intruder = node(2, portB, 1, portA, intruderTls, atB)) {
                await().during(REFUSED_WATCH).atMost(REFUSED_WATCH.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            intruder.send(1, new PeerFrame.KeepAlives(new long[] {1}));
                            member.send(2, new PeerFrame.KeepAlives(new long[] {1}));
                            return atA.isEmpty() && atB.isEmpty();
                        });
                assertThat(member.connectedTo(2)).as("the member's dial is refused too").isFalse();
            }
        }
    }
}
