package dev.cachai.etcd.gateway;

import dev.cachai.etcd.EtcdServer;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.netty.InternalNettyServerCredentials;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * etcd's HTTP/JSON gateway (/v3/...) plus /health, /livez, /readyz, /version and /metrics.
 * Requests are translated to JSON-mapped protobuf and sent through an in-process channel to the
 * same services (and interceptors) the gRPC port serves, so behaviour cannot drift between them.
 * By default it shares the gRPC port as on etcd ({@link #sharedPort}); it can have its own.
 */
public final class HttpGateway implements AutoCloseable {
    /** Threads serving a standalone gateway's connections; requests are asynchronous, so few are needed. */
    static final int IO_THREADS = 1;

    private final Server inProcess;
    private final ManagedChannel channel;
    private final GatewayRequests requests;
    private final int bodyBytesMax;
    private EventLoopGroup group;
    private Channel listener;

    private HttpGateway(EtcdServer server) {
        String name = "cachai-etcd-gateway-" + UUID.randomUUID();
        InProcessServerBuilder b = InProcessServerBuilder.forName(name);
        server.services().forEach(b::addService);
        try {
            inProcess = b.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
        Map<String, MethodDescriptor<?, ?>> methods = new HashMap<>();
        for (MethodDescriptor<?, ?> m : server.methods()) {
            methods.put(m.getFullMethodName(), m);
        }
        requests = new GatewayRequests(Routes.load(), methods, channel, server.context());
        bodyBytesMax = server.context().config().requestBytesMax() * 2;
    }

    /** The gateway on a port of its own; {@code sslContext} null for plain HTTP. */
    public static HttpGateway standalone(EtcdServer server, String host, int port, SslContext sslContext) {
        HttpGateway g = new HttpGateway(server);
        g.group = new MultiThreadIoEventLoopGroup(IO_THREADS, NioIoHandler.newFactory());
        g.listener = new ServerBootstrap().group(g.group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sslContext == null) {
                            ch.pipeline().addLast(g.http1Handlers());
                        } else {
                            ch.pipeline().addLast(new TlsFront(sslContext, g.http1Handlers()));
                        }
                    }
                })
                .bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
        return g;
    }

    /**
     * The gateway on the gRPC port, as etcd serves it: give {@link #sharedPortCredentials()} to
     * the gRPC server builder.
     */
    public static HttpGateway sharedPort(EtcdServer server) {
        return new HttpGateway(server);
    }

    /**
     * gRPC server credentials whose negotiation sends HTTP/1.x connections to this gateway;
     * {@code sslContext} null for a plain-text port.
     */
    public ServerCredentials sharedPortCredentials(SslContext sslContext) {
        return InternalNettyServerCredentials.create(new SharedPortNegotiator(this::installAfter, sslContext));
    }

    private void installAfter(ChannelHandlerContext ctx) {
        String previous = ctx.name();
        for (ChannelHandler h : http1Handlers()) {
            String name = h.getClass().getSimpleName() + "#gateway";
            ctx.pipeline().addAfter(previous, name, h);
            previous = name;
        }
        // gRPC's own writes (its close commands on shutdown) enter at the tail: catch them there.
        ctx.pipeline().addLast(new TransportCommandCloser());
    }

    private ChannelHandler[] http1Handlers() {
        return new ChannelHandler[] {new HttpServerCodec(), new HttpObjectAggregator(bodyBytesMax),
                new GatewayHandler(requests)};
    }

    /** Whether the gateway listens on a port of its own. */
    public boolean hasOwnPort() {
        return listener != null;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        channel.shutdownNow();
        inProcess.shutdownNow();
    }
}
