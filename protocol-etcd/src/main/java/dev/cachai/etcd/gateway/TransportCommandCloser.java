package dev.cachai.etcd.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;

/**
 * Last handler of an HTTP/1.1 connection on the shared port. The gRPC server still owns the
 * connection and ends it by writing its own close commands (on shutdown); nothing there would
 * understand them on an HTTP/1.1 connection, so this turns them into a plain close.
 */
final class TransportCommandCloser extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpObject || msg instanceof ByteBuf) {
            ctx.write(msg, promise);
            return;
        }
        promise.trySuccess();
        ctx.close();
    }
}
