package dev.cachai.etcd.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The first handler of every connection on the shared port, like etcd's cmux: it waits for the
 * first bytes, then hands the connection to gRPC (the HTTP/2 client preface "PRI * HTTP/2.0")
 * or to the HTTP/1.1 gateway (anything else, e.g. "GET " or "POST"), and removes itself so the
 * bytes it held flow on to the chosen handlers.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
    /** The start of the HTTP/2 connection preface; no HTTP/1.x method begins with it. */
    private static final byte[] HTTP2_PREFACE_START = "PRI ".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandler grpcNegotiation;
    private final Consumer<ChannelHandlerContext> http1Installer;
    /** gRPC's negotiation event arrives on connect, before any bytes: replayed once gRPC is chosen. */
    private final List<Object> heldEvents = new ArrayList<>();

    /**
     * @param grpcNegotiation gRPC's own plaintext negotiation handler for this connection
     * @param http1Installer  adds the HTTP/1.1 gateway handlers right after the given context
     */
    ProtocolSniffer(ChannelHandler grpcNegotiation, Consumer<ChannelHandlerContext> http1Installer) {
        this.grpcNegotiation = grpcNegotiation;
        this.http1Installer = http1Installer;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        heldEvents.add(evt);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), HTTP2_PREFACE_START.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != HTTP2_PREFACE_START[i]) {
                handOver(ctx, false);
                return;
            }
        }
        if (n == HTTP2_PREFACE_START.length) {
            handOver(ctx, true);
        }
        // else: too few bytes to tell yet
    }

    private void handOver(ChannelHandlerContext ctx, boolean grpc) {
        if (grpc) {
            ctx.pipeline().addAfter(ctx.name(), null, grpcNegotiation);
            heldEvents.forEach(ctx::fireUserEventTriggered);
        } else {
            http1Installer.accept(ctx);
        }
        heldEvents.clear();
        // Removing a ByteToMessageDecoder passes the bytes it accumulated to the next handler.
        ctx.pipeline().remove(this);
    }
}
