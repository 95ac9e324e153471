package dev.cachai.server.transport;

import io.netty.channel.EventLoopGroup;

/**
 * Event loops given to the peer transport (the consensus loop's), and whether they run on epoll,
 * whose channels they then need instead of NIO's.
 */
public record PeerLoops(EventLoopGroup group, boolean epoll) {
}
