package dev.cachai.etcd.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;

/** Hands each aggregated HTTP request to {@link GatewayRequests}. */
final class GatewayHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final GatewayRequests requests;

    GatewayHandler(GatewayRequests requests) {
        this.requests = requests;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        requests.handle(ctx, request);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
