package dev.cachai.bench.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

/** The event loops of the lean load clients. */
public final class ClientEventLoops {
    /** As many as the machine has cores: the load generator's share of two. */
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private ClientEventLoops() {}

    public static EventLoopGroup create() {
        return new MultiThreadIoEventLoopGroup(THREADS, NioIoHandler.newFactory());
    }
}
