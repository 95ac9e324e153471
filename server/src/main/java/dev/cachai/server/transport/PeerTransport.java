package dev.cachai.server.transport;

import dev.cachai.server.config.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * TCP between cluster members: each node dials every peer once and sends on that connection,
 * and receives on the connections peers dialed to it. Frames are length-prefixed with a limit.
 */
public final class PeerTransport implements AutoCloseable {
    /** Peer traffic is light next to client traffic: a couple of threads carry it. */
    private static final int EVENT_LOOP_THREADS = 2;
    /** The member at the other end of a connection, once known (for traffic counts). */
    static final AttributeKey<Integer> PEER_ID = AttributeKey.valueOf("cachai.peerId");
    static final int LENGTH_PREFIX_BYTES = 4;

    private final PeerFrame.Hello hello;
    private final HostPort listen;
    private final TransportLimits limits;
    private final PeerInbox inbox;
    private final PeerTraffic traffic;
    private final PeerFrameCodec codec;
    private final EventLoopGroup group;
    private final Map<Integer, PeerLink> links = new HashMap<>();
    private final Map<Integer, HostPort> peers;
    private Channel server;
    /** Peers we neither send to nor listen to: fault injection for partition tests and drills. */
    private volatile Set<Integer> cutOff = Set.of();

    /**
     * @param clusterId names the cluster; connections from another cluster's members are refused
     * @param peers     every other member's peer address by node id
     */
    public PeerTransport(int selfId, long clusterId, HostPort listen, Map<Integer, HostPort> peers,
                         TransportLimits limits, PeerInbox inbox) {
        this(selfId, clusterId, listen, peers, limits, inbox, PeerTraffic.NONE);
    }

    public PeerTransport(int selfId, long clusterId, HostPort listen, Map<Integer, HostPort> peers,
                         TransportLimits limits, PeerInbox inbox, PeerTraffic traffic) {
        this.traffic = traffic;
        this.hello = new PeerFrame.Hello(selfId, clusterId);
        this.listen = listen;
        this.peers = Map.copyOf(peers);
        this.limits = limits;
        this.inbox = inbox;
        this.codec = new PeerFrameCodec(limits.peerFrameBytesMax());
        this.group = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, NioIoHandler.newFactory());
    }

    public void start() {
        Set<Integer> known = peers.keySet();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(frameDecoder(),
                                new FrameEncoder(codec, limits.peerFrameBytesMax(), traffic),
                                new InboundHandler(codec, known, unlessCutOff(inbox), hello,
                                        limits.livenessIntervalMs(), traffic));
                    }
                })
                .bind(new InetSocketAddress(listen.host(), listen.port())).syncUninterruptibly().channel();
        Bootstrap dialer = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, limits.connectTimeoutMs())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(limits.peerOutboundBytesMax() / 2, limits.peerOutboundBytesMax()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Peers never answer on a connection we dialed, but reading it is how a closed
                        // peer is noticed at once (end of stream) rather than at a later failed write.
                        ch.pipeline().addLast(
                                new IdleStateHandler(limits.peerSilenceMsMax(), 0, 0, TimeUnit.MILLISECONDS),
                                new FrameEncoder(codec, limits.peerFrameBytesMax(), traffic),
                                new DialedHandler(traffic));
                    }
                });
        for (Map.Entry<Integer, HostPort> peer : peers.entrySet()) {
            PeerLink link = new PeerLink(peer.getKey(), peer.getValue(), dialer, hello, limits);
            links.put(peer.getKey(), link);
            link.connect();
        }
    }

    private PeerInbox unlessCutOff(PeerInbox inbox) {
        return (from, frame) -> {
            if (!cutOff.contains(from)) {
                inbox.deliver(from, frame);
            }
        };
    }

    /** Drops all traffic with these peers, both ways, until called again with another set. */
    public void cutOff(Set<Integer> peerIds) {
        cutOff = Set.copyOf(peerIds);
    }

    private LengthFieldBasedFrameDecoder frameDecoder() {
        return new LengthFieldBasedFrameDecoder(limits.peerFrameBytesMax(), 0, 4, 0, 4);
    }

    /** Sends a frame to a peer; false when it was dropped (unknown peer, link down or full). */
    public boolean send(int peerId, PeerFrame frame) {
        PeerLink link = links.get(peerId);
        return link != null && !cutOff.contains(peerId) && link.send(frame);
    }

    public boolean connectedTo(int peerId) {
        PeerLink link = links.get(peerId);
        return link != null && link.connected();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        links.values().forEach(PeerLink::close);
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
