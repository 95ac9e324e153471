package dev.cachai.zk;

import dev.cachai.engine.ZkCode;
import dev.cachai.engine.zk.ZkId;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.netty.ReplyWaits;
import dev.cachai.zk.admin.ConnectionStats;
import dev.cachai.zk.codec.FourLetterWord;
import dev.cachai.zk.codec.Jute;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkAcls;
import dev.cachai.zk.watch.WatchSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.WatcherEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.ListIterator;
import java.util.List;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection. Replies leave in request order although writes complete later; a read
 * waits for the writes before it (ZooKeeper's per-session order) while consecutive writes are
 * proposed at once (pipelining). All state is touched on the channel's event loop only.
 */
public final class ZkConnection extends ChannelInboundHandlerAdapter implements WatchSink {
    private static final Logger LOG = LoggerFactory.getLogger(ZkConnection.class);
    /** The zxid of an event that stands for no particular change (WatchedEvent.NO_ZXID). */
    private static final long NO_ZXID = -1;

    /** A received request not yet started. */
    private record Waiting(int xid, int type, byte[] body) {}

    /**
     * A place in the output order: a started request, whose reply is sent once it and every
     * earlier slot are ready, or watch events of one revision (always ready).
     */
    private static final class Slot {
        final int xid;
        final int type;
        final long startedNanos = System.nanoTime();
        final List<WatcherEvent> events;
        final long eventZxid;
        Reply reply;
        boolean ready;

        Slot(int xid, int type) {
            this.xid = xid;
            this.type = type;
            this.events = null;
            this.eventZxid = 0;
        }

        Slot(List<WatcherEvent> events, long zxid) {
            this.xid = OpCode.XID_WATCH_EVENT;
            this.type = OpCode.NOTIFICATION;
            this.events = events;
            this.eventZxid = zxid;
            this.ready = true;
        }

        boolean isEvents() {
            return events != null;
        }

        /** Whether events of {@code zxid} must leave before this slot's reply. */
        boolean mustFollow(long zxid) {
            return !isEvents() && (reply == null || reply.zxid() >= zxid);
        }
    }

    private final ZkServer server;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final LinkedList<Slot> slots = new LinkedList<>();
    /** Written on the event loop, read by the watch dispatcher too ({@link #mayRead}): copy on write. */
    private final List<ZkId> authIds = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean superUser;
    /** Null until the client sends a SASL token; used on the connection's loop only. */
    private SaslServer sasl;
    /** How many ids came before super was granted; -1: not super. */
    private int superPosition = -1;
    /** The id of ZooKeeper's super entry: "" for the super digest, the DN for the x509 super user. */
    private String superId;
    private Channel channel;
    private volatile long sessionId;
    private int timeoutMs;
    private boolean connected;
    private boolean closing;
    /** Set once a watch of this connection is registered (any thread); never cleared. */
    private volatile boolean everWatched;
    private int writesInFlight;
    private int repliesPending;
    private final ConnectionStats stats = new ConnectionStats();
    /** Counted on the event loop; volatile for crst, which resets them from another connection's loop. */
    private volatile long received;
    private volatile long sent;

    ZkConnection(ZkServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        authIds.add(new ZkId("ip", remote.getAddress().getHostAddress()));
        if (!server.admit(this, remote.getAddress())) {
            LOG.warn("too many connections from {}", remote.getAddress());
            channel.close();
            return;
        }
        ctx.fireChannelActive();
    }

    /** This connection's SASL exchange, made when the client starts one. */
    SaslServer saslServer(SaslDigestUsers users) throws SaslException {
        if (sasl == null) {
            sasl = users.newServer();
        }
        return sasl;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        disposeSasl();
        server.release(this, ((InetSocketAddress) channel.remoteAddress()).getAddress());
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FourLetterWord w) {
            String text = server.fourLetterWords().answer(w);
            channel.writeAndFlush(Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (closing) {
                return;
            }
            if (sessionId == 0 && !connected && timeoutMs == 0) {
                timeoutMs = -1; // connect in progress: later frames are requests, queued until it completes
                server.connector().connect(this, frame);
            } else {
                enqueue(frame);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing connection after a bad frame", e);
            channel.close();
        } finally {
            frame.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error", cause);
        ctx.close();
    }

    private void enqueue(ByteBuf frame) throws IOException {
        byte[] bytes = ByteBufUtil.getBytes(frame);
        BinaryInputArchive in = Jute.input(frame, server.config().frameBytesMax());
        RequestHeader h = Jute.read(in, new RequestHeader());
        waiting.add(new Waiting(h.getXid(), h.getType(), bytes));
        received++;
        server.stats().received();
        applyBackpressure();
        pump();
    }

    /** Stops reading from a client with too many requests in flight; resumes at half the limit. */
    private void applyBackpressure() {
        int inFlight = waiting.size() + repliesPending;
        int max = server.config().requestsOutstandingMax();
        if (inFlight >= max && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        } else if (inFlight <= max / 2 && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    /** Starts waiting requests in order; a read may not pass a write still in flight. */
    private void pump() {
        while (connected && !closing && !waiting.isEmpty()) {
            Waiting w = waiting.peek();
            if (!OpCode.isAsync(w.type()) && writesInFlight > 0) {
                return;
            }
            waiting.poll();
            start(w);
        }
    }

    private void start(Waiting w) {
        server.sessions().touch(sessionId, timeoutMs);
        ReplyWaits.callBegunHere();
        Slot slot = new Slot(w.xid(), w.type());
        slots.add(slot);
        repliesPending++;
        CompletableFuture<Reply> reply;
        try {
            BinaryInputArchive in = Jute.input(Unpooled.wrappedBuffer(w.body()), server.config().frameBytesMax());
            Jute.read(in, new RequestHeader());
            reply = server.router().handle(this, w.type(), in);
        } catch (IOException | RuntimeException e) {
            // ZooKeeper answers a body it cannot read (cut short, a length past the frame) with
            // MARSHALLINGERROR and goes on serving the connection.
            LOG.debug("request body did not decode", e);
            reply = CompletableFuture.completedFuture(Reply.error(server.engine().revision(), ZkCode.MARSHALLINGERROR));
        }
        boolean async = OpCode.isAsync(w.type());
        if (async) {
            writesInFlight++;
        }
        boolean awaitedHere = async && ReplyWaits.awaitingHere();
        reply.whenComplete((r, err) -> onLoop(() -> finish(slot, r, err, async, awaitedHere)));
    }

    private void finish(Slot slot, Reply reply, Throwable err, boolean async, boolean awaitedHere) {
        if (async) {
            writesInFlight--;
        }
        if (awaitedHere) {
            ReplyWaits.arrivedHere();
        }
        if (err != null) {
            LOG.warn("request failed, closing connection", err);
            channel.close();
            closing = true;
            return;
        }
        slot.reply = reply;
        if (!everWatched) {
            // No watch of this connection was ever registered, so no event can be owed to it
            // ahead of this reply: no need to wait for the dispatcher.
            slot.ready = true;
            flush();
        } else {
            // Always queued, never run inline: "dispatched" means the events were handed to this
            // loop (deliver), and only a task queued behind them is sure to run after they are placed.
            server.dispatcher().whenDispatched(() -> channel.eventLoop().execute(() -> {
                slot.ready = true;
                flush();
            }));
        }
        pump();
        if (!awaitedHere) {
            ReplyWaits.answeredHere(); // a read, answered on the loop: its client may come back at once
        }
    }

    private void onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }

    private void flush() {
        boolean wrote = false;
        while (!slots.isEmpty() && slots.peek().ready) {
            Slot s = slots.poll();
            if (s.isEvents()) {
                s.events.forEach(e -> writeEvent(e, s.eventZxid));
                wrote = true;
                continue;
            }
            repliesPending--;
            Reply r = s.reply;
            long latency = System.nanoTime() - s.startedNanos;
            server.stats().latency(latency);
            stats.answered(OpCode.lastOpName(s.type), s.xid, r.zxid(), latency);
            for (WatcherEvent e : r.eventsBefore()) {
                writeEvent(e, NO_ZXID); // setWatches events name no change, as in ZooKeeper's DataTree
            }
            if (!r.unsent()) {
                ReplyHeader header = new ReplyHeader(s.xid, r.zxid(), r.err());
                // Errors carry no body, but for a multiRead ZooKeeper gave up in the middle of.
                channel.write(Jute.frame(channel.alloc(), header, r.body()));
                sent++;
                server.stats().sent();
            }
            wrote = true;
            if (r.closeAfter()) {
                closing = true;
                channel.flush();
                channel.close();
                return;
            }
        }
        if (wrote) {
            channel.flush();
            applyBackpressure();
        }
    }

    private void writeEvent(WatcherEvent e, long zxid) {
        ReplyHeader header = new ReplyHeader(OpCode.XID_WATCH_EVENT, zxid, 0);
        channel.write(Jute.frame(channel.alloc(), header, e));
        sent++;
    }

    /**
     * Events of revision {@code zxid} go out after every reply that saw an older revision (the
     * client registers a watch only when the read's reply arrives, so an event overtaking that
     * reply would be dropped) and before replies that saw it or later, and before writes still in flight.
     */
    @Override
    public void deliver(List<WatcherEvent> events, long zxid) {
        channel.eventLoop().execute(() -> {
            if (!channel.isActive() || closing) {
                return;
            }
            ListIterator<Slot> it = slots.listIterator();
            while (it.hasNext()) {
                if (it.next().mustFollow(zxid)) {
                    it.previous();
                    break;
                }
            }
            it.add(new Slot(events, zxid));
            flush();
        });
    }

    // ---- called by the connector on the event loop ----

    void sessionEstablished(long id, int negotiatedTimeoutMs) {
        sessionId = id;
        timeoutMs = negotiatedTimeoutMs;
        connected = true;
        pump();
    }

    Channel channel() {
        return channel;
    }

    private void disposeSasl() {
        if (sasl != null) {
            try {
                sasl.dispose();
            } catch (SaslException ignored) {
                // the exchange holds nothing that outlives the connection
            }
        }
    }

    /** Closes because the session expired or moved; no reply is sent, like ZooKeeper. */
    void closeQuietly() {
        onLoop(() -> {
            closing = true;
            channel.close();
        });
    }

    // ---- what request handlers read ----

    @Override
    public void watchRegistered() {
        everWatched = true;
    }

    @Override
    public long sessionId() {
        return sessionId;
    }

    int timeoutMs() {
        return timeoutMs;
    }

    @Override
    public boolean mayRead(List<Acl> acl) {
        return ZkAcls.allows(acl, Acl.READ, identity());
    }

    ZkIdentity identity() {
        return new ZkIdentity(authIds, superUser);
    }

    /**
     * Adds an id the connection authenticated as; {@code superId} non-null makes it a super user
     * too (ZooKeeper adds its super entry first, with that id).
     */
    void addAuth(ZkId id, String superId) {
        if (superId != null && !superUser) {
            superUser = true;
            superPosition = authIds.size();
            this.superId = superId;
        }
        if (!authIds.contains(id)) {
            authIds.add(id);
        }
    }

    /** What whoAmI shows: the ids as ZooKeeper would hold them, super included, in its order. */
    List<AuthInfoOrder.Entry> authInfo() {
        List<AuthInfoOrder.Entry> added = new ArrayList<>();
        for (int i = 0; i <= authIds.size(); i++) {
            if (i == superPosition) {
                added.add(new AuthInfoOrder.Entry("super", superId, "")); // no provider names its user
            }
            if (i < authIds.size()) {
                ZkId id = authIds.get(i);
                String user = id.scheme().equals("digest") ? DigestAuth.userOf(id.id()) : id.id();
                added.add(new AuthInfoOrder.Entry(id.scheme(), id.id(), user));
            }
        }
        return AuthInfoOrder.asZooKeeperLists(added);
    }

    long received() {
        return received;
    }

    long sent() {
        return sent;
    }

    ConnectionStats stats() {
        return stats;
    }

    /**
     * ZooKeeper's crst for this connection: packet counts, latencies and the last operation start
     * over. Called from the admin connection's thread; an increment racing it may survive.
     */
    void resetStats() {
        received = 0;
        sent = 0;
        stats.reset();
    }

    int queued() {
        return waiting.size() + repliesPending;
    }
}
