package dev.cachai.etcd.gateway;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InternalChannelz;
import io.grpc.SecurityLevel;
import io.grpc.internal.GrpcAttributes;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLSession;

/**
 * Tells gRPC that a connection the {@link ProtocolSniffer} handed over after a TLS handshake is
 * secure: the negotiation event gets the TLS session (where interceptors find the client's
 * certificate) and the privacy-and-integrity level, as grpc-netty's own TLS negotiation sets them.
 */
final class TlsNegotiationStamp extends ChannelInboundHandlerAdapter {
    private final ChannelHandler next;

    TlsNegotiationStamp(ChannelHandler next) {
        this.next = next;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ProtocolNegotiationEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        ProtocolNegotiationEvent event = (ProtocolNegotiationEvent) evt;
        SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
        Attributes attrs = InternalProtocolNegotiationEvent.getAttributes(event).toBuilder()
                .set(GrpcAttributes.ATTR_SECURITY_LEVEL, SecurityLevel.PRIVACY_AND_INTEGRITY)
                .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session)
                .build();
        ProtocolNegotiationEvent secured = InternalProtocolNegotiationEvent.withSecurity(
                InternalProtocolNegotiationEvent.withAttributes(event, attrs),
                new InternalChannelz.Security(new InternalChannelz.Tls(session)));
        ctx.pipeline().replace(this, null, next);
        ctx.fireUserEventTriggered(secured);
    }
}
