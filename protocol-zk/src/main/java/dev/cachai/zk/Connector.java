package dev.cachai.zk;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.SessionResult;
import dev.cachai.zk.session.ConnectRequestFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The first message of a connection: a new session (proposed, so every node knows it) or the
 * resumption of one with its id and password. Invalid or expired sessions get ZooKeeper's
 * "expired" answer: timeout 0, session 0, zeroed password, then the connection closes.
 */
final class Connector {
    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    static final int PASSWORD_BYTES = 16;

    private final ZkServer server;
    private final CommandGateway gateway;
    private final SecureRandom random = new SecureRandom();

    Connector(ZkServer server, CommandGateway gateway) {
        this.server = server;
        this.gateway = gateway;
    }

    void connect(ZkConnection c, ByteBuf frame) throws IOException {
        ConnectRequestFrame req = ConnectRequestFrame.read(frame);
        long ourZxid = gateway.engine().revision();
        if (req.lastZxidSeen() > ourZxid) {
            LOG.info("refusing session: client saw zxid 0x{}, ours is 0x{}",
                    Long.toHexString(req.lastZxidSeen()), Long.toHexString(ourZxid));
            c.channel().close();
            return;
        }
        ZkServerConfig cfg = server.config();
        int timeout = Math.min(Math.max(req.timeoutMs(), cfg.sessionTimeoutMsMin()), cfg.sessionTimeoutMsMax());
        if (req.sessionId() == 0) {
            createSession(c, req, timeout);
        } else {
            resumeSession(c, req, timeout);
        }
    }

    private void createSession(ZkConnection c, ConnectRequestFrame req, int timeout) {
        long id = server.sessions().newSessionId();
        byte[] password = new byte[PASSWORD_BYTES];
        random.nextBytes(password);
        gateway.propose(new LeaseCommand.SessionCreate(id, timeout, password, req.readOnly()))
                .whenComplete((result, err) -> c.channel().eventLoop().execute(() -> {
                    if (err != null || ((SessionResult) result).err() != ZkCode.OK) {
                        LOG.warn("session create failed", err);
                        c.channel().close();
                        return;
                    }
                    established(c, req, id, timeout, password);
                }));
    }

    private void resumeSession(ZkConnection c, ConnectRequestFrame req, int timeout) {
        Lease lease = gateway.engine().lease(req.sessionId());
        boolean valid = lease != null && lease.kind() == Lease.Kind.SESSION
                && Arrays.equals(lease.password(), req.password());
        if (!valid) {
            refuse(c, req);
            return;
        }
        int self = (int) server.config().serverId();
        if (self == 0 || lease.owner() == self) {
            resumed(c, req, timeout, lease.password());
            return;
        }
        // Another member holds the session (or nobody yet): record the move before answering, so
        // writes through the connection the client left fail with SESSIONMOVED from now on.
        gateway.propose(new LeaseCommand.SessionOwner(req.sessionId(), self))
                .whenComplete((result, err) -> c.channel().eventLoop().execute(() -> {
                    if (err != null) {
                        LOG.warn("could not record the session's move here", err);
                        c.channel().close();
                    } else if (((SessionResult) result).err() != ZkCode.OK) {
                        refuse(c, req);
                    } else {
                        resumed(c, req, timeout, lease.password());
                    }
                }));
    }

    private void resumed(ZkConnection c, ConnectRequestFrame req, int timeout, byte[] password) {
        server.takeOverSession(req.sessionId(), c);
        established(c, req, req.sessionId(), timeout, password);
    }

    /** ZooKeeper's answer to an unknown or expired session, then the connection closes. */
    private static void refuse(ZkConnection c, ConnectRequestFrame req) {
        respond(c.channel(), req, 0, 0, new byte[PASSWORD_BYTES]).addListener(ChannelFutureListener.CLOSE);
    }

    private void established(ZkConnection c, ConnectRequestFrame req, long id, int timeout, byte[] password) {
        server.sessions().track(id, timeout);
        server.bindSession(id, c);
        respond(c.channel(), req, timeout, id, password);
        c.sessionEstablished(id, timeout);
    }

    private static io.netty.channel.ChannelFuture respond(Channel ch, ConnectRequestFrame req, int timeout, long id,
                                                          byte[] password) {
        ByteBuf out = ch.alloc().buffer();
        out.writeInt(0);
        out.writeInt(0); // protocol version
        out.writeInt(timeout);
        out.writeLong(id);
        out.writeInt(password.length);
        out.writeBytes(password);
        if (req.hasReadOnlyByte()) {
            out.writeBoolean(false); // this server is never a read-only server
        }
        out.setInt(0, out.readableBytes() - 4);
        return ch.writeAndFlush(out);
    }
}
