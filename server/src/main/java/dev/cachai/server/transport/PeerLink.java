package dev.cachai.server.transport;

import dev.cachai.server.config.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Our outbound connection to one peer. Redials with exponential backoff; while it is down, or
 * while its send buffer is above the high-water mark, frames are dropped: consensus retransmits,
 * and forwarded proposals time out at their origin.
 */
final class PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    private final int peerId;
    private final HostPort address;
    private final Bootstrap bootstrap;
    private final java.util.function.IntFunction<PeerFrame.Hello> hello;
    private final TransportLimits limits;
    private volatile Channel channel;
    private volatile boolean closed;
    private volatile long reconnectDelayMs;

    PeerLink(int peerId, HostPort address, Bootstrap bootstrap, java.util.function.IntFunction<PeerFrame.Hello> hello,
             TransportLimits limits) {
        this.peerId = peerId;
        this.address = address;
        this.bootstrap = bootstrap;
        this.hello = hello;
        this.limits = limits;
        this.reconnectDelayMs = limits.reconnectDelayMsMin();
    }

    void connect() {
        if (closed) {
            return;
        }
        bootstrap.connect(address.host(), address.port()).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                scheduleReconnect(f.channel());
                return;
            }
            Channel ch = f.channel();
            ch.attr(PeerTransport.PEER_ID).set(peerId);
            ch.writeAndFlush(hello.apply(peerId));
            reconnectDelayMs = limits.reconnectDelayMsMin();
            channel = ch;
            LOG.info("connected to peer {} at {}", peerId, address);
            ch.closeFuture().addListener((ChannelFutureListener) c -> {
                channel = null;
                scheduleReconnect(c.channel());
            });
        });
    }

    private void scheduleReconnect(Channel failed) {
        if (closed) {
            return;
        }
        long delay = reconnectDelayMs;
        reconnectDelayMs = Math.min(limits.reconnectDelayMsMax(), reconnectDelayMs * 2);
        failed.eventLoop().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Queues a frame; false when it was dropped (link down or send buffer full). */
    boolean send(PeerFrame frame) {
        Channel ch = channel;
        if (ch == null || !ch.isActive() || !ch.isWritable()) {
            return false;
        }
        ch.writeAndFlush(frame, ch.voidPromise());
        return true;
    }

    HostPort address() {
        return address;
    }

    boolean connected() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }
}
