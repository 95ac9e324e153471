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
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * TCP between cluster members: each node dials every peer once and sends on that connection,
 * and receives on the connections peers dialed to it. Frames are length-prefixed with a limit.
 * The set of peers follows the membership ({@link #updatePeers}). A node joining a running
 * cluster starts without an id ({@link #joining}) and takes the one the first member to dial
 * it names.
 */
public final class PeerTransport implements AutoCloseable, PeerGate {
    /** The member at the other end of a connection, once known (for traffic counts). */
    static final AttributeKey<Integer> PEER_ID = AttributeKey.valueOf("cachai.peerId");
    static final int LENGTH_PREFIX_BYTES = 4;
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);
    /** Without loops given (tests), peer traffic is light next to client traffic: a couple of threads carry it. */
    private static final int EVENT_LOOP_THREADS = 2;

    private final HostPort listen;
    /** Where peers dial us back (our peer URL); null: the listen host and the bound port. */
    private final HostPort advertised;
    private final TransportLimits limits;
    private final PeerInbox inbox;
    private final PeerTraffic traffic;
    private final PeerFrameCodec codec;
    /** Null: peers talk in plain text. */
    private final PeerTls tls;
    private final EventLoopGroup group;
    /** False: the group is the consensus loop's, which outlives this transport and is stopped by its owner. */
    private final boolean ownsGroup;
    /** The group runs on epoll: its channels are epoll's. */
    private final boolean epoll;
    private final Map<Integer, PeerLink> links = new ConcurrentHashMap<>();
    /** Connections peers dialed to us: closed with the transport even when the loops live on. */
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, HostPort> initialPeers;
    private final Consumer<PeerFrame.Hello> joined;
    private volatile int selfId;
    private volatile long clusterId;
    private volatile Set<Integer> members;
    /** While this node is not (yet) in the membership it knows, any member of its cluster may dial it. */
    private volatile boolean admitAnyMember;
    /**
     * Members that dialed us while we were not in our own membership: a joining node answers
     * whoever replicates to it, before its log tells it who the members are.
     */
    private final Map<Integer, HostPort> learned = new ConcurrentHashMap<>();
    private Map<Integer, HostPort> wanted = Map.of();
    private Bootstrap dialer;
    private Channel server;
    /** Peers we neither send to nor listen to: fault injection for partition tests and drills. */
    private volatile Set<Integer> cutOff = Set.of();

    /**
     * @param clusterId names the cluster; connections from another cluster's members are refused
     * @param peers     every other member's peer address by node id
     */
    public PeerTransport(int selfId, long clusterId, HostPort listen, Map<Integer, HostPort> peers,
                         TransportLimits limits, PeerInbox inbox) {
        this(selfId, clusterId, listen, null, peers, limits, inbox, hello -> { }, PeerTraffic.NONE, null, null);
    }

    /**
     * @param traffic counts the bytes exchanged with each peer (metrics)
     * @param tls     TLS between members; null: plain text
     * @param loops   the event loops that serve the peer connections (the consensus loop, which then
     *                steps each frame into the node on the thread that read it); null: NIO threads of
     *                the transport's own
     */
    public PeerTransport(int selfId, long clusterId, HostPort listen, HostPort advertised, Map<Integer, HostPort> peers,
                         TransportLimits limits, PeerInbox inbox, Consumer<PeerFrame.Hello> joined, PeerTraffic traffic,
                         PeerTls tls, PeerLoops loops) {
        this.tls = tls;
        this.traffic = traffic;
        this.selfId = selfId;
        this.clusterId = clusterId;
        this.listen = listen;
        this.advertised = advertised;
        this.limits = limits;
        this.inbox = inbox;
        this.joined = joined;
        this.members = Set.copyOf(peers.keySet());
        this.codec = new PeerFrameCodec(limits.peerFrameBytesMax());
        this.ownsGroup = loops == null;
        this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, NioIoHandler.newFactory())
                : loops.group();
        this.epoll = !ownsGroup && loops.epoll();
        this.initialPeers = Map.copyOf(peers);
    }

    /**
     * A node joining a running cluster: it knows neither its id nor the cluster's until a member
     * dials it; {@code joined} hears that first Hello (then call {@link #updatePeers}).
     */
    public static PeerTransport joining(HostPort listen, HostPort advertised, TransportLimits limits, PeerInbox inbox,
                                        Consumer<PeerFrame.Hello> joined, PeerTraffic traffic, PeerTls tls,
                                        PeerLoops loops) {
        return new PeerTransport(0, 0, listen, advertised, Map.of(), limits, inbox, joined, traffic, tls, loops);
    }

    public void start() {
        server = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.closeFuture().addListener(closed -> accepted.remove(ch));
                        if (tls != null) {
                            ch.pipeline().addLast(tls.server().newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(frameDecoder(),
                                new FrameEncoder(codec, limits.peerFrameBytesMax(), traffic),
                                new InboundHandler(codec, PeerTransport.this, unlessCutOff(inbox),
                                        limits.livenessIntervalMs(), traffic));
                    }
                })
                .bind(new InetSocketAddress(listen.host(), listen.port())).syncUninterruptibly().channel();
        dialer = new Bootstrap().group(group)
                .channelFactory(epoll ? EpollSocketChannel::new : DirectWriteChannel::new)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, limits.connectTimeoutMs())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(limits.peerOutboundBytesMax() / 2, limits.peerOutboundBytesMax()));
        updatePeers(initialPeers, true);
    }

    /**
     * What a dialed connection runs (each link's bootstrap gets its own): with TLS, a client
     * handshake that checks the certificate against {@code peer}, the address dialed.
     */
    ChannelInitializer<SocketChannel> dialedPipeline(HostPort peer) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.client().newHandler(ch.alloc(), peer.host(), peer.port()));
                }
                // Peers never answer on a connection we dialed, but reading it is how a closed
                // peer is noticed at once (end of stream) rather than at a later failed write.
                // Frames arrive encoded: PeerLink writes them, to the socket or through here.
                ch.pipeline().addLast(
                        new IdleStateHandler(limits.peerSilenceMsMax(), 0, 0, TimeUnit.MILLISECONDS),
                        new DialedHandler(traffic));
            }
        };
    }

    /**
     * Dials exactly these peers from now on (new ones at once; a moved one at its new address;
     * removed ones are hung up) and admits connections from them only.
     *
     * @param selfIsMember false while this node does not see itself in the membership (a joining
     *                     node catching up): then any member of its cluster may dial it
     */
    public synchronized void updatePeers(Map<Integer, HostPort> peers, boolean selfIsMember) {
        if (selfIsMember) {
            learned.clear();
        }
        wanted = Map.copyOf(peers);
        admitAnyMember = !selfIsMember;
        dial(peers);
    }

    private synchronized void dial(Map<Integer, HostPort> memberPeers) {
        Map<Integer, HostPort> peers = new java.util.HashMap<>(learned);
        peers.putAll(memberPeers);
        for (Map.Entry<Integer, PeerLink> link : Map.copyOf(links).entrySet()) {
            HostPort wanted = peers.get(link.getKey());
            if (wanted == null || !wanted.equals(link.getValue().address())) {
                links.remove(link.getKey()).close();
            }
        }
        for (Map.Entry<Integer, HostPort> peer : peers.entrySet()) {
            if (peer.getKey() != selfId && !links.containsKey(peer.getKey())) {
                PeerLink link = new PeerLink(peer.getKey(), peer.getValue(),
                        dialer.clone().handler(dialedPipeline(peer.getValue())), this::helloTo, limits, codec, traffic,
                        tls != null);
                links.put(peer.getKey(), link);
                link.connect();
            }
        }
        members = Set.copyOf(peers.keySet());
    }

    private synchronized void learn(PeerFrame.Hello hello) {
        if (hello.peerAddress().isEmpty() || hello.nodeId() == selfId || wanted.containsKey(hello.nodeId())) {
            return;
        }
        HostPort address;
        try {
            address = HostPort.parse(hello.peerAddress());
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!address.equals(learned.put(hello.nodeId(), address))) {
            dial(wanted);
        }
    }

    private PeerFrame.Hello helloTo(int peerId) {
        return new PeerFrame.Hello(selfId, clusterId, peerId, advertisedAddress().toString());
    }

    /** Where peers dial this node: its peer URL's address. */
    public HostPort advertisedAddress() {
        return advertised != null ? advertised : new HostPort(listen.host(), port());
    }

    /** The scheme of this cluster's peer URLs: https when members talk TLS, as etcd's peer URLs say. */
    public String urlScheme() {
        return tls != null ? "https" : "http";
    }

    // ---------------------------------------------------------------- PeerGate

    @Override
    public boolean admit(PeerFrame.Hello hello) {
        synchronized (this) {
            if (selfId == 0) {
                if (hello.toId() == 0 || hello.clusterId() == 0) {
                    return false;
                }
                selfId = hello.toId();
                clusterId = hello.clusterId();
                LOG.info("joined cluster {} as node {}, first dialed by node {} ({})", clusterId, selfId,
                        hello.nodeId(), hello.peerAddress());
                joined.accept(hello);
                learn(hello);
                return true;
            }
        }
        boolean toUs = hello.toId() == 0 || hello.toId() == selfId;
        if (!toUs || hello.clusterId() != clusterId) {
            return false;
        }
        if (members.contains(hello.nodeId())) {
            return true;
        }
        if (admitAnyMember) {
            learn(hello);
        }
        return admitAnyMember;
    }

    @Override
    public PeerFrame.Hello alive(int toId) {
        return helloTo(toId);
    }

    // ----------------------------------------------------------------

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

    /** This node's id (0 while a joining node has not been dialed yet). */
    public int selfId() {
        return selfId;
    }

    public long clusterId() {
        return clusterId;
    }

    @Override
    public synchronized void close() {
        links.values().forEach(PeerLink::close);
        links.clear();
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        accepted.forEach(Channel::close);
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
