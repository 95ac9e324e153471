package dev.cachai.etcd.gateway;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AsciiString;

import java.util.function.Consumer;

/**
 * grpc-netty's plaintext negotiation with a {@link ProtocolSniffer} in front, so gRPC and the
 * HTTP/1.1 gateway share one port as they do on etcd. grpc-netty offers no public hook for this;
 * its Internal* classes are the supported way for code outside grpc-java to plug negotiators in.
 */
final class SharedPortNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();
    private final Consumer<ChannelHandlerContext> http1Installer;

    SharedPortNegotiator(Consumer<ChannelHandlerContext> http1Installer) {
        this.http1Installer = http1Installer;
    }

    @Override
    public AsciiString scheme() {
        return plaintext.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new ProtocolSniffer(plaintext.newHandler(grpcHandler), http1Installer);
    }

    @Override
    public void close() {
        plaintext.close();
    }
}
