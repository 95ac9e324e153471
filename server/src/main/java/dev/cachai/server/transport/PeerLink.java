package dev.cachai.server.transport;

import dev.cachai.server.config.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Our outbound connection to one peer. Redials with exponential backoff; while it is down, or
 * while its send buffer is above the high-water mark, frames are dropped: consensus retransmits,
 * and forwarded proposals time out at their origin.
 *
 * <p>The sending thread (the consensus loop) writes a frame to the socket itself when nothing
 * is queued in Netty; only what the socket does not take at once goes through the event loop,
 * and later frames queue behind it until it is written, so frames never interleave. Over TLS
 * every frame goes through the event loop, whose pipeline encrypts it.
 */
final class PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    private final int peerId;
    private final HostPort address;
    private final Bootstrap bootstrap;
    private final java.util.function.IntFunction<PeerFrame.Hello> hello;
    private final TransportLimits limits;
    private final PeerFrameCodec codec;
    private final PeerTraffic traffic;
    /** Bytes must pass the pipeline (TLS): the sending thread never writes to the socket itself. */
    private final boolean throughPipeline;
    private volatile Channel channel;
    /** The current connection's writes handed to the event loop and not yet on the wire; while above 0, every frame goes that way. */
    private int queuedInNetty;
    private volatile boolean closed;
    private volatile long reconnectDelayMs;

    PeerLink(int peerId, HostPort address, Bootstrap bootstrap, java.util.function.IntFunction<PeerFrame.Hello> hello,
             TransportLimits limits, PeerFrameCodec codec, PeerTraffic traffic, boolean throughPipeline) {
        this.throughPipeline = throughPipeline;
        this.codec = codec;
        this.traffic = traffic;
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
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls == null) {
                linkUp(ch);
                return;
            }
            // Over TLS the link is up once the peer has proven itself, not when TCP connects.
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    linkUp(ch);
                } else {
                    LOG.debug("TLS with peer {} at {} failed: {}", peerId, address, handshake.cause().toString());
                    ch.close();
                    scheduleReconnect(ch);
                }
            });
        });
    }

    private void linkUp(Channel ch) {
        ch.attr(PeerTransport.PEER_ID).set(peerId);
        reconnectDelayMs = limits.reconnectDelayMsMin();
        synchronized (this) {
            // The Hello goes first: no send can slip in between it and the link coming up.
            queuedInNetty = 0;
            channel = ch;
            write(ch, hello.apply(peerId));
        }
        LOG.info("connected to peer {} at {}", peerId, address);
        ch.closeFuture().addListener((ChannelFutureListener) c -> {
            channel = null;
            scheduleReconnect(c.channel());
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

    /** Sends or queues a frame; false when it was dropped (link down, send buffer full, frame too large). */
    synchronized boolean send(PeerFrame frame) {
        Channel ch = channel;
        if (ch == null || !ch.isActive() || !ch.isWritable()) {
            return false;
        }
        return write(ch, frame);
    }

    private boolean write(Channel ch, PeerFrame frame) {
        ByteBuf bytes = ch.alloc().directBuffer();
        try {
            int length = FrameEncoder.writeFrame(codec, limits.peerFrameBytesMax(), frame, bytes);
            traffic.sent(peerId, length + PeerTransport.LENGTH_PREFIX_BYTES);
            if (queuedInNetty == 0 && !throughPipeline) {
                writeToSocket(ch, bytes);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("dropping a frame for peer {}: {}", peerId, e.getMessage());
            bytes.release();
            return false;
        } catch (IOException e) {
            LOG.debug("peer connection to {} failed: {}", address, e.toString());
            bytes.release();
            ch.close();
            return false;
        }
        if (!bytes.isReadable()) {
            bytes.release();
            return true;
        }
        queuedInNetty++;
        ch.writeAndFlush(bytes).addListener(written -> writtenByNetty(ch));
        return true;
    }

    /** Writes what the socket takes now (a direct buffer: {@link #write} allocates one). */
    private static void writeToSocket(Channel ch, ByteBuf bytes) throws IOException {
        ByteBuffer buffer = bytes.nioBuffer();
        int written = ch instanceof EpollSocketChannel epoll
                ? epoll.fd().write(buffer, buffer.position(), buffer.limit())
                : ((DirectWriteChannel) ch).socket().write(buffer);
        bytes.skipBytes(written);
    }

    /** Counts down for the current connection only: a closed one's writes fail after its successor is up. */
    private synchronized void writtenByNetty(Channel ch) {
        if (ch == channel) {
            queuedInNetty--;
        }
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
