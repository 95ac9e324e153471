package dev.cachai.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The event loops of one client port: an acceptor and workers that follow {@link ReplyWaits}, on
 * epoll where Netty's native transport loads (what grpc-netty picks by itself), else on NIO.
 */
public final class ServerLoops implements AutoCloseable {
    /** Epoll's default: as many ready events as one wait returns at most. */
    private static final int EPOLL_EVENTS_PER_WAIT_DEFAULT = 0;
    /** How long a closing group may still run tasks submitted before it was told to stop. */
    private static final long SHUTDOWN_S_MAX = 1;
    /** How long {@link #repliesAwaited} waits for each loop to answer. */
    private static final long ASK_S_MAX = 10;

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> channelType;

    /**
     * @param name          the port's name in its threads' names ({@code <name>-accept-1-1}, {@code <name>-worker-2-1}, ...)
     * @param workerThreads 0 takes Netty's default (two per core)
     * @param wideFanOuts   the engine's count of revisions told to watchers on several threads ({@link ReplyWaits})
     */
    public ServerLoops(String name, int workerThreads, LongSupplier wideFanOuts) {
        boolean epoll = Epoll.isAvailable();
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        IoHandlerFactory workerIo = epoll
                ? EpollIoHandler.newFactory(EPOLL_EVENTS_PER_WAIT_DEFAULT, ReplyWaits.factory(wideFanOuts))
                : NioIoHandler.newFactory(SelectorProvider.provider(), ReplyWaits.factory(wideFanOuts));
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory(name + "-worker"), workerIo);
        this.channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public EventLoopGroup acceptor() {
        return acceptor;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public Class<? extends ServerChannel> channelType() {
        return channelType;
    }

    /**
     * Replies awaited on all the workers, each loop asked on its own thread: 0 once every call
     * they took has been answered.
     */
    public int repliesAwaited() throws InterruptedException, ExecutionException, TimeoutException {
        int sum = 0;
        for (EventExecutor loop : workers) {
            sum += loop.submit(() -> ReplyWaits.ofThisLoop().awaited()).get(ASK_S_MAX, TimeUnit.SECONDS);
        }
        return sum;
    }

    /** Calls begun on the port, as its loops count them for the next-call poll (see {@link ReplyWaits}). */
    public long callsBegun() throws InterruptedException, ExecutionException, TimeoutException {
        return workers.next().submit(() -> ReplyWaits.ofThisLoop().portCalls()).get(ASK_S_MAX, TimeUnit.SECONDS);
    }

    /**
     * The most calls begun on the port that a loop had counted when it last answered one: equal to
     * {@link #callsBegun} once a serial client's last call was answered.
     */
    public long callsBegunAtLastAnswer() throws InterruptedException, ExecutionException, TimeoutException {
        long most = 0;
        for (EventExecutor loop : workers) {
            most = Math.max(most, loop.submit(() -> ReplyWaits.ofThisLoop().portCallsAtAnswer()).get(ASK_S_MAX, TimeUnit.SECONDS));
        }
        return most;
    }

    /** Stops both groups without a quiet period and waits for the workers to end. */
    @Override
    public void close() {
        acceptor.shutdownGracefully(0, SHUTDOWN_S_MAX, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, SHUTDOWN_S_MAX, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
