package dev.cachai.etcd.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;

/**
 * The first handler of a connection on a TLS port: puts the TLS handler in its place and the
 * given handler (a {@link ProtocolSniffer} or the HTTP/1.1 gateway) after it, so everything
 * behind it sees decrypted bytes. A client that does not speak TLS (plain-text gRPC or HTTP)
 * fails the handshake and its connection is closed.
 */
final class TlsFront extends ChannelInboundHandlerAdapter {
    private final SslContext sslContext;
    private final ChannelHandler[] behind;

    TlsFront(SslContext sslContext, ChannelHandler... behind) {
        this.sslContext = sslContext;
        this.behind = behind;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        String previous = ctx.name();
        for (ChannelHandler h : behind) {
            String name = h.getClass().getSimpleName() + "#tls";
            ctx.pipeline().addAfter(previous, name, h);
            previous = name;
        }
        ctx.pipeline().replace(this, "ssl", sslContext.newHandler(ctx.alloc()));
    }
}
