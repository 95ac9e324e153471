package dev.cachai.etcd.gateway;

import dev.cachai.etcd.EtcdServer;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

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
 */
public final class HttpGateway implements AutoCloseable {
    /** Threads serving HTTP connections; requests are asynchronous, so few are needed. */
    static final int IO_THREADS = 1;

    private final Server inProcess;
    private final ManagedChannel channel;
    private final EventLoopGroup group;
    private final Channel listener;

    private HttpGateway(EtcdServer server, String host, int port) {
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
        for (ServerServiceDefinition s : server.services()) {
            for (ServerMethodDefinition<?, ?> m : s.getMethods()) {
                methods.put(m.getMethodDescriptor().getFullMethodName(), m.getMethodDescriptor());
            }
        }
        GatewayRequests requests = new GatewayRequests(Routes.load(), methods, channel, server.context());
        int bodyBytesMax = server.context().config().requestBytesMax() * 2;
        group = new MultiThreadIoEventLoopGroup(IO_THREADS, NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(bodyBytesMax),
                                new GatewayHandler(requests));
                    }
                })
                .bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
    }

    /** The gateway on a port of its own. */
    public static HttpGateway standalone(EtcdServer server, String host, int port) {
        return new HttpGateway(server, host, port);
    }

    /**
     * Serving HTTP/1.1 on the gRPC port needs a protocol sniffer in grpc-netty's pipeline, which
     * only its internal negotiator API allows; until then the gateway has its own port.
     */
    public static void unify(NettyServerBuilder builder, EtcdServer server) {
        // Deliberately nothing: see EtcdServerConfig.gatewayPort.
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        channel.shutdownNow();
        inProcess.shutdownNow();
    }
}
