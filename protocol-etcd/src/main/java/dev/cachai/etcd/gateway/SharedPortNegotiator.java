package dev.cachai.etcd.gateway;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;

import java.util.function.Consumer;

/**
 * grpc-netty's negotiation with a {@link ProtocolSniffer} in front, so gRPC and the HTTP/1.1
 * gateway share one port as they do on etcd. With TLS, the handshake comes first and the sniffer
 * reads the decrypted bytes (ALPN has already steered HTTP clients to HTTP/1.1 and gRPC clients to
 * h2, see {@code EtcdTls}). grpc-netty offers no public hook for this; its Internal* classes are
 * the supported way for code outside grpc-java to plug negotiators in.
 */
final class SharedPortNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    private static final AsciiString HTTPS = AsciiString.of("https");

    private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
    private final Consumer<ChannelHandlerContext> http1Installer;
    /** Null for a plain-text port. */
    private final SslContext sslContext;

    SharedPortNegotiator(Consumer<ChannelHandlerContext> http1Installer, SslContext sslContext) {
        this.http1Installer = http1Installer;
        this.sslContext = sslContext;
    }

    @Override
    public AsciiString scheme() {
        return sslContext == null ? plaintext.scheme() : HTTPS;
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        if (sslContext == null) {
            return new ProtocolSniffer(plaintext.newHandler(grpcHandler), http1Installer);
        }
        // grpc-netty's plain-text chain, with the TLS session stamped on its negotiation event.
        ChannelHandler grpcAfterTls = InternalProtocolNegotiators.waitUntilActiveHandler(
                new TlsNegotiationStamp(InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler)),
                grpcHandler.getNegotiationLogger());
        return new TlsFront(sslContext, new ProtocolSniffer(grpcAfterTls, http1Installer));
    }

    @Override
    public void close() {
        plaintext.close();
    }
}
