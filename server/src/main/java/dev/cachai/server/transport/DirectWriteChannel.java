package dev.cachai.server.transport;

import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A dialed peer connection whose socket the sending thread may write itself: a frame the socket
 * takes at once skips the pipeline. In a server the sender is the consensus loop, which also
 * serves these connections; with a transport of its own (tests), handing each frame to the
 * transport's event loop cost a thread wake-up per message on the commit path (25-60 µs on two
 * busy cores).
 */
final class DirectWriteChannel extends NioSocketChannel {
    /** The socket under Netty's channel; already non-blocking. */
    java.nio.channels.SocketChannel socket() {
        return javaChannel();
    }
}
