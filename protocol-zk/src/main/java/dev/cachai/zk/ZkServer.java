package dev.cachai.zk;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.Engine;
import dev.cachai.engine.lease.Lease;
import dev.cachai.zk.admin.ServerStats;
import dev.cachai.zk.admin.ZkMetrics;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.netty.ServerLoops;
import dev.cachai.zk.codec.ZkFrameDecoder;
import dev.cachai.zk.session.SessionTracker;
import dev.cachai.zk.watch.ChangeDispatcher;
import dev.cachai.zk.watch.WatchRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ZooKeeper endpoint of one node: a Netty server speaking the jute protocol over the engine,
 * with this node's sessions, watches and connections. Built by the server as
 * {@code new ZkServer(config, gateway)}, then {@link #start()}, {@link #port()}, {@link #close()}.
 */
public final class ZkServer implements AutoCloseable {
    /** Flushes a connection may defer into one before it writes anyway (Netty's default). */
    static final int FLUSHES_CONSOLIDATED_MAX = 256;
    private final ZkServerConfig config;
    /** Null: no secure client port. */
    private final ZkSecurePort securePort;
    private final CommandGateway gateway;
    private final TreeView tree;
    private final WatchRegistry watches = new WatchRegistry();
    private final ChangeDispatcher dispatcher;
    private final SessionTracker sessions;
    private final Connector connector;
    private final RequestRouter router;
    private final FourLetterWords fourLetterWords;
    private final ServerStats stats = new ServerStats();
    /** SASL DIGEST-MD5 users from the JVM's JAAS file, read once as ZooKeeper's server reads them. */
    private final SaslDigestUsers saslUsers = SaslDigestUsers.fromSystemProperties();
    private final Set<ZkConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, AtomicInteger> connectionsPerAddress = new ConcurrentHashMap<>();
    private final Map<Long, ZkConnection> bySession = new ConcurrentHashMap<>();
    private ServerLoops loops;
    private Channel serverChannel;
    private Channel secureChannel;
    private ScheduledFuture<?> endedSessionsTask;

    public ZkServer(ZkServerConfig config, CommandGateway gateway) {
        this(config, gateway, new MetricRegistry(), null);
    }

    /**
     * @param metrics    where this endpoint's gauges go (ZooKeeper's Prometheus names)
     * @param securePort when given, a second, TLS-only client port
     */
    public ZkServer(ZkServerConfig config, CommandGateway gateway, MetricRegistry metrics, ZkSecurePort securePort) {
        this.config = config;
        this.securePort = securePort;
        this.gateway = gateway;
        Engine engine = gateway.engine();
        this.tree = new TreeView(engine, config, gateway::cluster);
        this.dispatcher = new ChangeDispatcher(watches, config.changesQueuedMax(), engine::revision,
                engine::zkAclForEvent);
        this.sessions = new SessionTracker(gateway, config.serverId(), this::onSessionEnded);
        this.connector = new Connector(this, gateway);
        this.router = new RequestRouter(this, gateway, tree, watches);
        this.fourLetterWords = new FourLetterWords(this);
        ZkMetrics.register(metrics, fourLetterWords);
    }

    /** The port's event loops, for tests that look at their state. */
    ServerLoops loops() {
        return loops;
    }

    public synchronized void start() {
        gateway.engine().addListener(dispatcher);
        trackExistingSessions();
        loops = new ServerLoops("cachai-zk", config.eventLoopThreads(), () -> gateway.engine().wideFanOuts());
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.acceptor(), loops.workers())
                .channel(loops.channelType())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("flushes", consolidatedFlushes());
                        ch.pipeline().addLast("frames", new ZkFrameDecoder(config.frameBytesMax()));
                        ch.pipeline().addLast("zk", new ZkConnection(ZkServer.this));
                    }
                });
        serverChannel = b.bind(new InetSocketAddress(config.host(), config.port())).syncUninterruptibly().channel();
        if (securePort != null) {
            secureChannel = bindSecure(b.clone(), securePort);
        }
        long periodMs = Math.max(1, config.tickTimeMs() / 2);
        endedSessionsTask = loops.workers().next().scheduleAtFixedRate(sessions::closeEnded, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private Channel bindSecure(ServerBootstrap b, ZkSecurePort secure) {
        SslContext ssl = secure.serverContext();
        b.childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ZkConnection connection = new ZkConnection(ZkServer.this);
                ch.pipeline().addLast("ssl", ssl.newHandler(ch.alloc()));
                ch.pipeline().addLast("x509", new X509Identity(connection, secure.superUser()));
                ch.pipeline().addLast("flushes", consolidatedFlushes());
                ch.pipeline().addLast("frames", new ZkFrameDecoder(config.frameBytesMax()));
                ch.pipeline().addLast("zk", connection);
            }
        });
        return b.bind(new InetSocketAddress(secure.host(), secure.port())).syncUninterruptibly().channel();
    }

    /**
     * One socket write for the replies a connection gets together: a consensus batch completes
     * many of a connection's requests at once, and so does a read of several pipelined requests,
     * while each reply flushed alone costs its own write system call (with loopback TCP's
     * delivery to the client inside it). Flushes during a read wait for the read's end; flushes
     * from tasks (write replies) run once the tasks already queued on the loop have run.
     */
    private static FlushConsolidationHandler consolidatedFlushes() {
        return new FlushConsolidationHandler(FLUSHES_CONSOLIDATED_MAX, true);
    }

    /** Sessions already in the engine (from before a restart) get a full timeout from now. */
    private void trackExistingSessions() {
        Engine engine = gateway.engine();
        for (Long id : engine.leaseIds()) {
            Lease l = engine.lease(id);
            if (l != null && l.kind() == Lease.Kind.SESSION) {
                sessions.track(id, (int) l.ttlMs());
            }
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The bound secure client port, or -1 without one. */
    public int securePort() {
        return secureChannel == null ? -1 : ((InetSocketAddress) secureChannel.localAddress()).getPort();
    }

    /** Whether clients can authenticate with certificates (ZooKeeper's x509 provider is configured). */
    boolean x509Enabled() {
        return securePort != null && securePort.clientAuth() != ZkSecurePort.ClientCertificates.NONE;
    }

    @Override
    public synchronized void close() {
        if (endedSessionsTask != null) {
            endedSessionsTask.cancel(false);
        }
        gateway.engine().removeListener(dispatcher);
        dispatcher.close();
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (secureChannel != null) {
            secureChannel.close().syncUninterruptibly();
        }
        if (loops != null) {
            loops.close();
        }
    }

    // ---- connections ----

    boolean admit(ZkConnection c, InetAddress address) {
        int n = connectionsPerAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        connections.add(c);
        int max = config.connectionsPerAddressMax();
        return max == 0 || n <= max;
    }

    void release(ZkConnection c, InetAddress address) {
        if (connections.remove(c)) {
            AtomicInteger n = connectionsPerAddress.get(address);
            if (n != null && n.decrementAndGet() <= 0) {
                connectionsPerAddress.remove(address, n);
            }
        }
        watches.removeAll(c);
        long id = c.sessionId();
        if (id != 0) {
            bySession.remove(id, c);
        }
    }

    void bindSession(long sessionId, ZkConnection c) {
        bySession.put(sessionId, c);
    }

    /** A client resumed its session here: the old connection of that session closes. */
    void takeOverSession(long sessionId, ZkConnection newer) {
        ZkConnection old = bySession.get(sessionId);
        if (old != null && old != newer) {
            old.closeQuietly();
        }
    }

    private void onSessionEnded(long sessionId) {
        ZkConnection c = bySession.remove(sessionId);
        if (c != null) {
            c.closeQuietly();
        }
    }

    // ---- collaborators ----

    ZkServerConfig config() {
        return config;
    }

    SaslDigestUsers saslUsers() {
        return saslUsers;
    }

    CommandGateway gateway() {
        return gateway;
    }

    TreeView tree() {
        return tree;
    }

    WatchRegistry watches() {
        return watches;
    }

    ChangeDispatcher dispatcher() {
        return dispatcher;
    }

    SessionTracker sessions() {
        return sessions;
    }

    Connector connector() {
        return connector;
    }

    /** The engine as it is now (a member that installs a snapshot replaces it). */
    Engine engine() {
        return gateway.engine();
    }

    RequestRouter router() {
        return router;
    }

    FourLetterWords fourLetterWords() {
        return fourLetterWords;
    }

    ServerStats stats() {
        return stats;
    }

    List<ZkConnection> connections() {
        return new ArrayList<>(connections);
    }
}
