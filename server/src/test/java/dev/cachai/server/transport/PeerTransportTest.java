package dev.cachai.server.transport;

import dev.cachai.server.config.HostPort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PeerTransportTest {
    private static final TransportLimits LIMITS = TransportLimits.DEFAULTS;
    private static final long CLUSTER = 42;

    static int freePort() {
        return dev.cachai.netty.FreeLoopbackPorts.next();
    }

    private static PeerTransport node(int self, int port, int peer, int peerPort,
                                      ConcurrentLinkedQueue<PeerFrame> inbox) {
        PeerTransport t = new PeerTransport(self, CLUSTER, new HostPort("127.0.0.1", port),
                Map.of(peer, new HostPort("127.0.0.1", peerPort)), LIMITS, (from, frame) -> inbox.add(frame));
        t.start();
        return t;
    }

    /** Keeps sending until the frame arrives: the link drops frames while it is down, by design. */
    static void awaitDelivery(PeerTransport from, int to, ConcurrentLinkedQueue<PeerFrame> inbox) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            from.send(to, new PeerFrame.KeepAlives(new long[] {1}));
            return !inbox.isEmpty();
        });
    }

    @Test
    void aPeerThatRestartsOnItsPortIsReachedAgain() {
        int portA = freePort();
        int portB = freePort();
        ConcurrentLinkedQueue<PeerFrame> atA = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<PeerFrame> atB = new ConcurrentLinkedQueue<>();
        try (PeerTransport a = node(1, portA, 2, portB, atA)) {
            PeerTransport b = node(2, portB, 1, portA, atB);
            awaitDelivery(a, 2, atB);
            awaitDelivery(b, 1, atA);
            b.close();
            atB.clear();
            atA.clear();
            try (PeerTransport again = node(2, portB, 1, portA, atB)) {
                awaitDelivery(a, 2, atB);
                awaitDelivery(again, 1, atA);
            }
        }
    }

    /**
     * A transport on loops it was given (as the consensus loop gives its own, on epoll where it
     * loads) sends and receives, the sender writing frames to the socket itself. Closed, it hangs
     * up the connections peers dialed to it although the loops live on, so the peer sees its link
     * to it go down.
     */
    @Test
    void onGivenLoopsFramesFlowAndClosingHangsUpOnDialers() {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        int portA = freePort();
        int portB = freePort();
        ConcurrentLinkedQueue<PeerFrame> atA = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<PeerFrame> atB = new ConcurrentLinkedQueue<>();
        try (PeerTransport b = node(2, portB, 1, portA, atB)) {
            PeerTransport a = new PeerTransport(1, CLUSTER, new HostPort("127.0.0.1", portA), null,
                    Map.of(2, new HostPort("127.0.0.1", portB)), LIMITS, (from, frame) -> atA.add(frame),
                    hello -> { }, PeerTraffic.NONE, null, new PeerLoops(loops, epoll));
            a.start();
            awaitDelivery(a, 2, atB);
            awaitDelivery(b, 1, atA);
            a.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !b.connectedTo(1));
            assertThat(loops.isShuttingDown()).isFalse();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Frames sent faster than the socket takes them: the sender writes what it can itself and
     * queues the rest in Netty. Every frame send() accepted must arrive whole and in order
     * (bytes of two frames never interleave); the ones it refused were over the outbound limit.
     */
    @Test
    void framesTheSocketCannotTakeAtOnceArriveWholeAndInOrder() {
        int portA = freePort();
        int portB = freePort();
        ConcurrentLinkedQueue<PeerFrame> atA = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<PeerFrame> atB = new ConcurrentLinkedQueue<>();
        try (PeerTransport a = node(1, portA, 2, portB, atA); PeerTransport b = node(2, portB, 1, portA, atB)) {
            awaitDelivery(a, 2, atB);
            atB.clear();
            java.util.List<Long> accepted = new java.util.ArrayList<>();
            for (long seq = 1; seq <= 200; seq++) {
                byte[] payload = new byte[1 << 20];
                java.util.Arrays.fill(payload, (byte) seq);
                if (a.send(2, new PeerFrame.Forward(seq, payload))) {
                    accepted.add(seq);
                }
            }
            assertThat(accepted).hasSizeGreaterThan(10);
            // KeepAlives that awaitDelivery sent before the clear may still land: only Forwards count.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> forwards(atB).size() >= accepted.size());
            java.util.List<Long> arrived = new java.util.ArrayList<>();
            for (PeerFrame.Forward forward : forwards(atB)) {
                byte[] expected = new byte[1 << 20];
                java.util.Arrays.fill(expected, (byte) forward.seq());
                assertThat(forward.payload()).isEqualTo(expected);
                arrived.add(forward.seq());
            }
            assertThat(arrived).isEqualTo(accepted);
        }
    }

    private static java.util.List<PeerFrame.Forward> forwards(ConcurrentLinkedQueue<PeerFrame> inbox) {
        return inbox.stream().filter(PeerFrame.Forward.class::isInstance).map(PeerFrame.Forward.class::cast).toList();
    }
}
