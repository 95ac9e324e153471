package dev.cachai.server.transport;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PeerFrameCodecTest {
    private static final int FRAME_BYTES_MAX = 4096;
    private static final long LIVENESS_INTERVAL_MS = 1_000;
    private static final long CLUSTER = 42;

    /** Encodes frames with the sender's pipeline and feeds the bytes one at a time to the receiver's. */
    private static List<Object[]> roundTrip(PeerFrame... frames) {
        return roundTrip(PeerTraffic.NONE, PeerTraffic.NONE, frames);
    }

    private static List<Object[]> roundTrip(PeerTraffic senderTraffic, PeerTraffic receiverTraffic, PeerFrame... frames) {
        PeerFrameCodec codec = new PeerFrameCodec(FRAME_BYTES_MAX);
        EmbeddedChannel sender = new EmbeddedChannel(new FrameEncoder(codec, FRAME_BYTES_MAX, senderTraffic));
        sender.attr(PeerTransport.PEER_ID).set(1);
        for (PeerFrame f : frames) {
            sender.writeOutbound(f);
        }
        List<Object[]> delivered = new ArrayList<>();
        EmbeddedChannel receiver = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(FRAME_BYTES_MAX, 0, 4, 0, 4),
                new InboundHandler(codec, PeerGate.fixed(Set.of(7), new PeerFrame.Hello(1, CLUSTER)),
                        (from, frame) -> delivered.add(new Object[] {from, frame}), LIVENESS_INTERVAL_MS, receiverTraffic));
        ByteBuf out;
        while ((out = sender.readOutbound()) != null) {
            while (out.isReadable() && receiver.isActive()) {
                receiver.writeInbound(Unpooled.wrappedBuffer(new byte[] {out.readByte()}));
            }
            out.release();
        }
        return delivered;
    }

    @Test
    void framesSurviveBytesArrivingOneAtATime() {
        Message heartbeat = new Message.Heartbeat(7, 1, new Ballot(3, 7), 42, 5, 40);
        List<Object[]> got = roundTrip(new PeerFrame.Hello(7, CLUSTER), new PeerFrame.Paxos(heartbeat),
                new PeerFrame.Forward(9, new byte[] {1, 2, 3}), new PeerFrame.ForwardRefused(9, true),
                new PeerFrame.KeepAlives(new long[] {11, 12}));
        assertThat(got).hasSize(4);
        assertThat(got.get(0)[0]).isEqualTo(7);
        assertThat(((PeerFrame.Paxos) got.get(0)[1]).message()).isEqualTo(heartbeat);
        assertThat(((PeerFrame.Forward) got.get(1)[1]).payload()).containsExactly(1, 2, 3);
        assertThat(got.get(2)[1]).isEqualTo(new PeerFrame.ForwardRefused(9, true));
        assertThat(((PeerFrame.KeepAlives) got.get(3)[1]).leaseIds()).containsExactly(11, 12);
    }

    @Test
    void aConnectionWithoutHelloFromAMemberDeliversNothing() {
        Message heartbeat = new Message.Heartbeat(8, 1, new Ballot(3, 8), 42, 5, 40);
        assertThat(roundTrip(new PeerFrame.Hello(8, CLUSTER), new PeerFrame.Paxos(heartbeat))).isEmpty();
        assertThat(roundTrip(new PeerFrame.Hello(7, CLUSTER + 1), new PeerFrame.Paxos(heartbeat))).as("another cluster")
                .isEmpty();
        assertThat(roundTrip(new PeerFrame.Paxos(heartbeat))).as("the connection is closed at once").isEmpty();
    }

    /** Counts bytes per peer, as the metrics do. */
    private static final class Tally implements PeerTraffic {
        final java.util.Map<Integer, Long> sent = new java.util.HashMap<>();
        final java.util.Map<Integer, Long> received = new java.util.HashMap<>();

        @Override
        public void sent(int peerId, long bytes) {
            sent.merge(peerId, bytes, Long::sum);
        }

        @Override
        public void received(int peerId, long bytes) {
            received.merge(peerId, bytes, Long::sum);
        }
    }

    @Test
    void bytesOnTheWireAreCountedForThePeerAtTheOtherEnd() {
        Tally senderSide = new Tally();
        Tally receiverSide = new Tally();
        PeerFrame.Forward forward = new PeerFrame.Forward(9, new byte[] {1, 2, 3});
        roundTrip(senderSide, receiverSide, new PeerFrame.Hello(7, CLUSTER), forward);
        // Hello: length prefix, type, node id, cluster id, to id, empty address (its length);
        // Forward: prefix, type, seq, length, payload.
        long helloBytes = 4 + 1 + 4 + 8 + 4 + 4;
        long forwardBytes = 4 + 1 + 8 + 4 + 3;
        assertThat(senderSide.sent).containsExactly(java.util.Map.entry(1, helloBytes + forwardBytes));
        assertThat(receiverSide.received).containsExactly(java.util.Map.entry(7, helloBytes + forwardBytes));
    }
}
