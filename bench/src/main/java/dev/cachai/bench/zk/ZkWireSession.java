package dev.cachai.bench.zk;

import dev.cachai.zk.codec.Jute;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.WatcherEvent;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One ZooKeeper session on one connection. Everything but the calls' hand-over runs on the
 * connection's event loop; ZooKeeper answers a connection's requests in order, so the replies
 * meet their calls at the head of a queue.
 */
final class ZkWireSession extends ChannelInboundHandlerAdapter {
    private static final int XID_PING = -2;
    private static final int XID_WATCH_EVENT = -1;
    private static final int PASSWORD_BYTES = 16;
    /** A call's childrenExpected when it is not a getChildren that checks the count. */
    static final int NO_CHILD_CHECK = -1;

    private final int sessionTimeoutMs;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final ArrayDeque<Call> calls = new ArrayDeque<>();
    /**
     * One-shot data watches by path; the server keeps one per (session, path), and its event runs
     * every callback that armed it since the last one. Event loop only.
     */
    private final Map<String, List<Runnable>> dataWatches = new HashMap<>();
    private Channel channel;
    private int nextXid = 1;

    ZkWireSession(int sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    private record Call(int xid, String path, boolean existsIsOk, int childrenExpected, CompletableFuture<Void> done) {}

    void attach(Channel channel) {
        this.channel = channel;
    }

    CompletableFuture<Void> connected() {
        return connected;
    }

    CompletableFuture<Void> call(int type, String path, Record request, boolean existsIsOk, int childrenExpected) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onEventLoop(() -> send(type, path, request, existsIsOk, childrenExpected, done));
        return done;
    }

    /**
     * A getData that sets the server's data watch; {@code onChanged} runs on the event loop when
     * the node's data changes. A read that fails leaves no watch, as on the server.
     */
    CompletableFuture<Void> watchData(String path, Runnable onChanged) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onEventLoop(() -> {
            List<Runnable> armed = dataWatches.computeIfAbsent(path, p -> new ArrayList<>());
            armed.add(onChanged);
            done.whenComplete((ok, error) -> {
                if (error != null) {
                    armed.remove(onChanged);
                }
            });
            send(ZooDefs.OpCode.getData, path, new GetDataRequest(path, true), false, NO_CHILD_CHECK, done);
        });
        return done;
    }

    private void onEventLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    /** Asks the server to end the session; completes when it answered or the connection closed. */
    CompletableFuture<Void> closeSession() {
        if (channel == null || !channel.isActive()) {
            return CompletableFuture.completedFuture(null);
        }
        return call(ZooDefs.OpCode.closeSession, "", null, false, -1).handle((ok, error) -> {
            channel.close();
            return null;
        });
    }

    private void send(int type, String path, Record request, boolean existsIsOk, int childrenExpected,
                      CompletableFuture<Void> done) {
        if (!channel.isActive()) {
            done.completeExceptionally(new IOException("connection to ZooKeeper closed"));
            return;
        }
        int xid = nextXid++;
        calls.add(new Call(xid, path, existsIsOk, childrenExpected, done));
        channel.writeAndFlush(Jute.frame(channel.alloc(), new RequestHeader(xid, type), request));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ConnectRequest request = new ConnectRequest(0, 0, sessionTimeoutMs, 0, new byte[PASSWORD_BYTES], false);
        ctx.writeAndFlush(Jute.frame(ctx.alloc(), request));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
        ByteBuf frame = (ByteBuf) msg;
        try {
            BinaryInputArchive in = Jute.input(frame, ZkWire.FRAME_BYTES_MAX);
            if (!connected.isDone()) {
                ConnectResponse response = Jute.read(in, new ConnectResponse());
                if (response.getTimeOut() <= 0) {
                    connected.completeExceptionally(new IOException("ZooKeeper refused the session"));
                    ctx.close();
                } else {
                    connected.complete(null);
                }
                return;
            }
            ReplyHeader header = Jute.read(in, new ReplyHeader());
            if (header.getXid() == XID_WATCH_EVENT) {
                fire(Jute.read(in, new WatcherEvent()));
            } else if (header.getXid() >= 0) {
                answer(header, in);
            } // else a ping's answer: no call waits for it
        } finally {
            frame.release();
        }
    }

    /** A data change runs the path's watch; a deletion ends it too, as the server drops it. */
    private void fire(WatcherEvent event) {
        int type = event.getType();
        if (type == Watcher.Event.EventType.NodeDataChanged.getIntValue()) {
            List<Runnable> armed = dataWatches.remove(event.getPath());
            if (armed != null) {
                armed.forEach(Runnable::run);
            }
        } else if (type == Watcher.Event.EventType.NodeDeleted.getIntValue()) {
            dataWatches.remove(event.getPath());
        }
    }

    private void answer(ReplyHeader header, BinaryInputArchive in) throws IOException {
        Call call = calls.poll();
        if (call == null || call.xid() != header.getXid()) {
            throw new IOException("reply xid " + header.getXid() + " out of order (expected "
                    + (call == null ? "none" : call.xid()) + ")");
        }
        int err = header.getErr();
        if (err == KeeperException.Code.NODEEXISTS.intValue() && call.existsIsOk()) {
            err = 0;
        }
        if (err != 0) {
            call.done().completeExceptionally(KeeperException.create(KeeperException.Code.get(err), call.path()));
        } else if (call.childrenExpected() >= 0) {
            int count = Jute.read(in, new GetChildrenResponse()).getChildren().size();
            if (count == call.childrenExpected()) {
                call.done().complete(null);
            } else {
                call.done().completeExceptionally(new IllegalStateException(
                        call.path() + " has " + count + " children, expected " + call.childrenExpected()));
            }
        } else {
            call.done().complete(null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.writeAndFlush(Jute.frame(ctx.alloc(), new RequestHeader(XID_PING, ZooDefs.OpCode.ping)));
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        IOException closed = new IOException("connection to ZooKeeper closed");
        connected.completeExceptionally(closed);
        for (Call c : calls) {
            c.done().completeExceptionally(closed);
        }
        calls.clear();
        dataWatches.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
