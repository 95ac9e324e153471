package dev.cachai.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * One connection a peer dialed to us: the first frame must be a Hello from a known member, and
 * every consensus message after it must name that member as its sender.
 */
final class InboundHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(InboundHandler.class);

    private final PeerFrameCodec codec;
    private final Set<Integer> knownPeers;
    private final PeerInbox inbox;
    private int peerId;

    InboundHandler(PeerFrameCodec codec, Set<Integer> knownPeers, PeerInbox inbox) {
        this.codec = codec;
        this.knownPeers = knownPeers;
        this.inbox = inbox;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf body) {
        PeerFrame frame = codec.decode(body);
        if (peerId == 0) {
            if (!(frame instanceof PeerFrame.Hello hello) || !knownPeers.contains(hello.nodeId())) {
                LOG.warn("closing peer connection from {}: no Hello from a member", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            peerId = hello.nodeId();
            return;
        }
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
