package dev.cachai.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection a peer dialed to us: the first frame must be a Hello from a known member, and
 * every consensus message after it must name that member as its sender.
 */
final class InboundHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(InboundHandler.class);

    private final PeerFrameCodec codec;
    private final PeerGate gate;
    private final PeerInbox inbox;
    private final long livenessIntervalMs;
    private final PeerTraffic traffic;
    private int peerId;
    private ScheduledFuture<?> liveness;

    InboundHandler(PeerFrameCodec codec, PeerGate gate, PeerInbox inbox, long livenessIntervalMs,
                   PeerTraffic traffic) {
        this.traffic = traffic;
        this.codec = codec;
        this.gate = gate;
        this.inbox = inbox;
        this.livenessIntervalMs = livenessIntervalMs;
    }

    /** The dialer hears from us regularly, so it can tell a silent partition from a quiet peer. */
    private void startLiveness(ChannelHandlerContext ctx) {
        liveness = ctx.executor().scheduleAtFixedRate(() -> {
            if (ctx.channel().isWritable()) {
                ctx.writeAndFlush(gate.alive(peerId), ctx.voidPromise());
            }
        }, 0, livenessIntervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (liveness != null) {
            liveness.cancel(false);
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf body) {
        int frameBytes = body.readableBytes() + PeerTransport.LENGTH_PREFIX_BYTES;
        PeerFrame frame = codec.decode(body);
        if (peerId == 0) {
            if (!(frame instanceof PeerFrame.Hello hello) || !gate.admit(hello)) {
                LOG.warn("closing peer connection from {}: no Hello from a member of this cluster ({})",
                        ctx.channel().remoteAddress(), frame);
                ctx.close();
                return;
            }
            peerId = hello.nodeId();
            ctx.channel().attr(PeerTransport.PEER_ID).set(peerId);
            traffic.received(peerId, frameBytes);
            startLiveness(ctx);
            return;
        }
        traffic.received(peerId, frameBytes);
        if (frame instanceof PeerFrame.Paxos p && p.message().from() != peerId) {
            throw new IllegalArgumentException("node " + peerId + " sent a message as " + p.message().from());
        }
        inbox.deliver(peerId, frame);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("closing peer connection from node {} ({}): {}", peerId, ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
