package dev.cachai.server.cluster;

import dev.cachai.server.transport.PeerLoops;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns the Paxos node, as a Netty event loop that also carries every peer
 * connection of this member. A peer's frame is read, decoded and stepped into the node on this
 * thread. With a transport of its own, each frame woke a transport thread, which then handed it
 * over to the consensus thread; on this kind of VM the first wake-up alone costs 25-60 µs, and a
 * one-client write through a follower crosses four peer hops (forward, accept, accepted, commit).
 * An A/B of three members against that design gave one-client etcd puts 1.14x, creates 1.07x and
 * setData 1.08x, with 64 clients 0.96-1.08x in medians of five (bench/HISTORY.md).
 *
 * <p>The loop waits as {@link EventWaits} says, on epoll where Netty's native transport loads.
 * NIO's loop would rather not poll: a task handed to it while it polls leaves it flagged as woken
 * until it next sleeps in select, and until then each poll re-arms and drains the selector's
 * wake-up descriptor, three system calls instead of one. So on NIO the loop always sleeps in
 * select between rounds.
 */
final class ConsensusLoop implements AutoCloseable {
    /** How long a closing loop may still run tasks submitted before it was told to stop. */
    private static final long SHUTDOWN_S_MAX = 2;

    /** Epoll's default: as many ready events as one wait returns at most. */
    private static final int EPOLL_EVENTS_PER_WAIT_DEFAULT = 0;

    private final EventWaits waits = new EventWaits();
    private final boolean epoll = Epoll.isAvailable();
    private final EventLoopGroup group;
    private final EventLoop loop;

    ConsensusLoop() {
        IoHandlerFactory io = epoll
                ? EpollIoHandler.newFactory(EPOLL_EVENTS_PER_WAIT_DEFAULT, () -> waits)
                : NioIoHandler.newFactory(SelectorProvider.provider(), DefaultSelectStrategyFactory.INSTANCE);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cachai-paxos-loop", true), io);
        this.loop = group.next();
    }

    /** For the peer transport: its channels are served by this loop. */
    PeerLoops peerLoops() {
        return new PeerLoops(group, epoll);
    }

    EventLoop loop() {
        return loop;
    }

    EventWaits waits() {
        return waits;
    }

    /** Stops the thread; tasks already queued still run (closing channels among them). */
    @Override
    public void close() {
        group.shutdownGracefully(0, SHUTDOWN_S_MAX, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
