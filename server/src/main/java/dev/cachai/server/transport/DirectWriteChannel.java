package dev.cachai.server.transport;

import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A dialed peer connection that the consensus loop can write to itself: handing each frame to
 * the event loop costs a thread wake-up per message on the commit path (measured at 25-60 µs on
 * two busy cores), which is a large part of a replicated write's latency on loopback.
 */
final class DirectWriteChannel extends NioSocketChannel {
    /** The socket under Netty's channel; already non-blocking. */
    java.nio.channels.SocketChannel socket() {
        return javaChannel();
    }
}
