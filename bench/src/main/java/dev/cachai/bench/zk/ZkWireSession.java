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
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One ZooKeeper session on one connection. Everything but {@link #call}'s hand-over runs on the
 * connection's event loop; ZooKeeper answers a connection's requests in order, so the replies
 * meet their calls at the head of a queue.
 */
final class ZkWireSession extends ChannelInboundHandlerAdapter {
    private static final int XID_PING = -2;
    private static final int PASSWORD_BYTES = 16;

    private final int sessionTimeoutMs;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final ArrayDeque<Call> calls = new ArrayDeque<>();
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
        if (channel.eventLoop().inEventLoop()) {
            send(type, path, request, existsIsOk, childrenExpected, done);
        } else {
            channel.eventLoop().execute(() -> send(type, path, request, existsIsOk, childrenExpected, done));
        }
        return done;
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
            if (header.getXid() < 0) {
                return; // a watch event or a ping's answer: no call waits for it
            }
            answer(header, in);
        } finally {
            frame.release();
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
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
