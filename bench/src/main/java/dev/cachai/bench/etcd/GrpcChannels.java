package dev.cachai.bench.etcd;

import dev.cachai.bench.load.ClientEventLoops;
import dev.cachai.bench.load.Endpoints;
import dev.cachai.server.config.HostPort;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC channels to a target's etcd endpoints, spread over them, on one small event loop group.
 * Calls complete on the transport's threads (direct executor): no hand-off on the client side.
 */
final class GrpcChannels implements AutoCloseable {
    private static final long CLOSE_SECONDS_MAX = 5;

    private final EventLoopGroup group = ClientEventLoops.create();
    private final List<ManagedChannel> channels = new ArrayList<>();

    GrpcChannels(Endpoints target, int connections) {
        for (int i = 0; i < connections; i++) {
            HostPort endpoint = HostPort.parse(target.etcd().get(i % target.etcd().size()));
            channels.add(NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
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
