package dev.cachai.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of a connection we dialed: an error (a peer that died, say) closes it, and the link redials. */
final class DialedHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DialedHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("peer connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
