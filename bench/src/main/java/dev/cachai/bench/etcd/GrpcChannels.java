package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC channels to a target's etcd endpoints, spread over them, on one small event loop group.
 * Calls complete on the transport's threads (direct executor): no hand-off on the client side.
 */
final class GrpcChannels implements AutoCloseable {
    /** As many as the machine has cores: the load generator's share of two. */
    private static final int TRANSPORT_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final long CLOSE_SECONDS_MAX = 5;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(TRANSPORT_THREADS, NioIoHandler.newFactory());
    private final List<ManagedChannel> channels = new ArrayList<>();

    GrpcChannels(Endpoints target, int connections) {
        for (int i = 0; i < connections; i++) {
            String hostPort = target.etcd().get(i % target.etcd().size());
            int colon = hostPort.lastIndexOf(':');
            channels.add(NettyChannelBuilder
                    .forAddress(new InetSocketAddress(hostPort.substring(0, colon),
                            Integer.parseInt(hostPort.substring(colon + 1))))
                    .usePlaintext()
                    .directExecutor()
                    .eventLoopGroup(group)
                    .channelType(NioSocketChannel.class)
                    .build());
        }
    }

    int size() {
        return channels.size();
    }

    /** The channel of logical client {@code client}. */
    ManagedChannel of(int client) {
        return channels.get(client % channels.size());
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels) {
            try {
                c.awaitTermination(CLOSE_SECONDS_MAX, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
