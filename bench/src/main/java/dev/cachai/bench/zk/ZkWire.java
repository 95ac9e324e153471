package dev.cachai.bench.zk;

import dev.cachai.bench.load.ClientEventLoops;
import dev.cachai.bench.load.Endpoints;
import dev.cachai.server.config.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.SetDataRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The workloads' calls as ZooKeeper frames written here, on Netty: one connection per session,
 * requests pipelined on it, replies completed on the connection's event loop, where the driver
 * issues that client's next request with no hand-off between threads.
 */
final class ZkWire implements ZkOps {
    private static final long CLOSE_SECONDS_MAX = 5;
    private static final long RECONNECT_PAUSE_MS = 100;
    /** Replies here are small (100 children at most); anything larger is a broken stream. */
    static final int FRAME_BYTES_MAX = 1024 * 1024;
    /** Idle this long, a session pings, so it outlives pauses between runs' phases. */
    private static final int PING_IDLE_SECONDS = ZkPool.SESSION_TIMEOUT_MS / 3_000;

    private final EventLoopGroup group = ClientEventLoops.create();
    private final List<ZkWireSession> sessions = new ArrayList<>();

    ZkWire(Endpoints target, int count) throws Exception {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ZkPool.CONNECT_SECONDS_MAX);
            for (int i = 0; i < count; i++) {
                sessions.add(connectRetrying(target.zk().get(i % target.zk().size()), deadline));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * A server that has just started may close connections until it serves (ZooKeeper does, as
     * its own client's reconnecting hides): try again until the deadline.
     */
    private ZkWireSession connectRetrying(String hostPort, long deadlineNanos) throws Exception {
        while (true) {
            ZkWireSession session = connect(hostPort);
            try {
                session.connected().get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                return session;
            } catch (ExecutionException e) {
                session.closeSession();
                if (!(e.getCause() instanceof IOException) || System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                Thread.sleep(RECONNECT_PAUSE_MS);
            }
        }
    }

    private ZkWireSession connect(String hostPort) throws InterruptedException {
        HostPort endpoint = HostPort.parse(hostPort);
        ZkWireSession session = new ZkWireSession(ZkPool.SESSION_TIMEOUT_MS);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(FRAME_BYTES_MAX, 0, 4, 0, 4));
                        ch.pipeline().addLast(new IdleStateHandler(0, PING_IDLE_SECONDS, 0));
                        ch.pipeline().addLast(session);
                    }
                });
        Channel channel = b.connect(endpoint.host(), endpoint.port()).sync().channel();
        session.attach(channel);
        return session;
    }

    private ZkWireSession session(int client) {
        return sessions.get(client % sessions.size());
    }

    @Override
    public CompletableFuture<Void> create(int client, String path, byte[] data) {
        return session(client).call(ZooDefs.OpCode.create, path, createRequest(path, data), false,
                ZkWireSession.NO_CHILD_CHECK);
    }

    @Override
    public CompletableFuture<Void> ensure(int client, String path, byte[] data) {
        return session(client).call(ZooDefs.OpCode.create, path, createRequest(path, data), true,
                ZkWireSession.NO_CHILD_CHECK);
    }

    private static CreateRequest createRequest(String path, byte[] data) {
        return new CreateRequest(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0);
    }

    @Override
    public CompletableFuture<Void> setData(int client, String path, byte[] data) {
        return session(client).call(ZooDefs.OpCode.setData, path, new SetDataRequest(path, data, -1), false,
                ZkWireSession.NO_CHILD_CHECK);
    }

    @Override
    public CompletableFuture<Void> getData(int client, String path) {
        return session(client).call(ZooDefs.OpCode.getData, path, new GetDataRequest(path, false), false,
                ZkWireSession.NO_CHILD_CHECK);
    }

    @Override
    public CompletableFuture<Void> watchData(int client, String path, Runnable onChanged) {
        return session(client).watchData(path, onChanged);
    }

    @Override
    public CompletableFuture<Void> getChildren(int client, String path, int childrenExpected) {
        return session(client).call(ZooDefs.OpCode.getChildren, path, new GetChildrenRequest(path, false), false,
                childrenExpected);
    }

    @Override
    public void close() {
        List<CompletableFuture<?>> closing = new ArrayList<>();
        for (ZkWireSession s : sessions) {
            closing.add(s.closeSession());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(CLOSE_SECONDS_MAX, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // A session whose close went unanswered expires on the server; the sockets close below.
        }
        sessions.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
