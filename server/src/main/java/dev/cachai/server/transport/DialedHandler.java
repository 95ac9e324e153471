package dev.cachai.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a connection we dialed: peers send nothing back on it, so whatever arrives is
 * discarded except as a sign of life; silence, or an error (a peer that died, say) closes it, and the link redials.
 */
final class DialedHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DialedHandler.class);

    private final PeerTraffic traffic;

    DialedHandler(PeerTraffic traffic) {
        this.traffic = traffic;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Integer peer = ctx.channel().attr(PeerTransport.PEER_ID).get();
        if (peer != null && msg instanceof io.netty.buffer.ByteBuf bytes) {
            traffic.received(peer, bytes.readableBytes());
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            LOG.info("peer at {} silent too long; redialing", ctx.channel().remoteAddress());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("peer connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
