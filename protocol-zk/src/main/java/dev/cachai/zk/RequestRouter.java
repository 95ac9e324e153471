package dev.cachai.zk;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.Engine;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.zk.ZkId;
import dev.cachai.zk.codec.Jute;
import dev.cachai.zk.watch.WatchRegistry;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.SetSASLResponse;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.apache.zookeeper.proto.WhoAmIResponse;

import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Decodes a request body by opcode and hands it to the op family that answers it. */
final class RequestRouter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RequestRouter.class);
    private final ZkServer server;
    private final CommandGateway gateway;
    private final Engine engine;
    private final ReadOps reads;
    private final WriteOps writes;
    private final MultiOps multis;
    private final WatchOps watchOps;
    private final ReconfigOps reconfigs;

    RequestRouter(ZkServer server, CommandGateway gateway, TreeView tree, WatchRegistry watches) {
        this.server = server;
        this.gateway = gateway;
        this.engine = gateway.engine();
        this.reads = new ReadOps(engine, tree, watches);
        this.writes = new WriteOps(gateway, server.config(), tree, server.x509Enabled());
        this.multis = new MultiOps(gateway, writes, reads);
        this.watchOps = new WatchOps(engine, tree, watches);
        this.reconfigs = new ReconfigOps(server.config(), tree, gateway::cluster);
    }

    /** Answers one request; {@link IOException} means the body did not decode (the connection closes). */
    CompletableFuture<Reply> handle(ZkConnection c, int type, BinaryInputArchive in) throws IOException {
        if (OpCode.isAsync(type)) {
            return async(c, type, in);
        }
        return CompletableFuture.completedFuture(sync(c, type, in));
    }

    private CompletableFuture<Reply> async(ZkConnection c, int type, BinaryInputArchive in) throws IOException {
        switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                CreateRequest r = Jute.read(in, new CreateRequest());
                return writes.single(c, type, writes.createOp(type, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), -1));
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLRequest r = Jute.read(in, new CreateTTLRequest());
                return writes.single(c, type,
                        writes.createOp(type, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), r.getTtl()));
            }
            case OpCode.DELETE -> {
                DeleteRequest r = Jute.read(in, new DeleteRequest());
                return writes.single(c, type, refusedOr(WriteOps.deleteRefusal(r.getPath()),
                        new ZkOp.Delete(r.getPath(), r.getVersion())));
            }
            case OpCode.SET_DATA -> {
                SetDataRequest r = Jute.read(in, new SetDataRequest());
                return writes.single(c, type, refusedOr(WriteOps.pathRefusal(r.getPath()),
                        new ZkOp.SetData(r.getPath(), r.getData(), r.getVersion())));
            }
            case OpCode.SET_ACL -> {
                SetACLRequest r = Jute.read(in, new SetACLRequest());
                Integer system = WriteOps.pathRefusal(r.getPath());
                return writes.single(c, type, refusedOr(system != null ? system : writes.aclRefusal(r.getAcl()),
                        new ZkOp.SetAcl(r.getPath(), Convert.fromJute(r.getAcl()), r.getVersion())));
            }
            case OpCode.MULTI -> {
                return multis.multi(c, in);
            }
            case OpCode.SYNC -> {
                SyncRequest r = Jute.read(in, new SyncRequest());
                return gateway.readBarrier().thenApply(rev -> Reply.ok(engine.revision(), new SyncResponse(r.getPath())));
            }
            case OpCode.CLOSE_SESSION -> {
                server.sessions().forget(c.sessionId());
                return gateway.propose(new LeaseCommand.SessionClose(c.sessionId(), false))
                        .thenApply(result -> Reply.ok(result.revision(), null).closing());
            }
            case OpCode.RECONFIG -> {
                return reconfigs.reconfig(c, Jute.read(in, new ReconfigRequest()), engine.revision());
            }
            default -> throw new IllegalStateException("not an async opcode: " + type);
        }
    }

    private static Object refusedOr(Integer refusal, ZkOp op) {
        return refusal != null ? new WriteOps.Refusal(refusal) : op;
    }

    private Reply sync(ZkConnection c, int type, BinaryInputArchive in) throws IOException {
        switch (type) {
            case OpCode.PING:
                return Reply.ok(engine.revision(), null);
            case OpCode.EXISTS: {
                ExistsRequest r = Jute.read(in, new ExistsRequest());
                return reads.exists(c, r.getPath(), r.getWatch());
            }
            case OpCode.GET_DATA: {
                GetDataRequest r = Jute.read(in, new GetDataRequest());
                return reads.getData(c, r.getPath(), r.getWatch());
            }
            case OpCode.GET_CHILDREN: {
                GetChildrenRequest r = Jute.read(in, new GetChildrenRequest());
                return reads.getChildren(c, r.getPath(), r.getWatch(), false);
            }
            case OpCode.GET_CHILDREN2: {
                GetChildren2Request r = Jute.read(in, new GetChildren2Request());
                return reads.getChildren(c, r.getPath(), r.getWatch(), true);
            }
            case OpCode.GET_ACL:
                return reads.getAcl(c, Jute.read(in, new GetACLRequest()).getPath());
            case OpCode.GET_ALL_CHILDREN_NUMBER:
                return reads.allChildrenNumber(c, Jute.read(in, new GetAllChildrenNumberRequest()).getPath());
            case OpCode.GET_EPHEMERALS:
                return reads.ephemerals(c, Jute.read(in, new GetEphemeralsRequest()).getPrefixPath());
            case OpCode.MULTI_READ:
                return multis.multiRead(c, in);
            case OpCode.SET_WATCHES: {
                SetWatches r = Jute.read(in, new SetWatches());
                return watchOps.setWatches(c, r.getRelativeZxid(), r.getDataWatches(), r.getExistWatches(),
                        r.getChildWatches(), null, null);
            }
            case OpCode.SET_WATCHES2: {
                SetWatches2 r = Jute.read(in, new SetWatches2());
                return watchOps.setWatches(c, r.getRelativeZxid(), r.getDataWatches(), r.getExistWatches(),
                        r.getChildWatches(), r.getPersistentWatches(), r.getPersistentRecursiveWatches());
            }
            case OpCode.ADD_WATCH: {
                AddWatchRequest r = Jute.read(in, new AddWatchRequest());
                return watchOps.addWatch(c, r.getPath(), r.getMode());
            }
            case OpCode.CHECK_WATCHES: {
                CheckWatchesRequest r = Jute.read(in, new CheckWatchesRequest());
                return watchOps.removeOrCheck(c, r.getPath(), r.getType(), false);
            }
            case OpCode.REMOVE_WATCHES: {
                RemoveWatchesRequest r = Jute.read(in, new RemoveWatchesRequest());
                return watchOps.removeOrCheck(c, r.getPath(), r.getType(), true);
            }
            case OpCode.AUTH:
                return auth(c, Jute.read(in, new AuthPacket()));
            case OpCode.WHO_AM_I:
                return Reply.ok(engine.revision(), new WhoAmIResponse(clientInfos(c)));
            case OpCode.SASL:
                return sasl(c, Jute.read(in, new GetSASLRequest()));
            default:
                // Unknown opcodes, and check outside a multi: ZooKeeper takes neither alone.
                return Reply.error(engine.revision(), ZkCode.UNIMPLEMENTED).closing();
        }
    }

    /** Only the digest scheme is provided; anything else fails and closes, as a server without the provider does. */
    private Reply auth(ZkConnection c, AuthPacket p) {
        long zxid = 0;
        if (!"digest".equals(p.getScheme()) || p.getAuth() == null) {
            return Reply.error(zxid, ZkCode.AUTHFAILED).closing();
        }
        String id = DigestAuth.idFor(new String(p.getAuth(), StandardCharsets.UTF_8));
        c.addAuth(new ZkId("digest", id), id.equals(server.config().superDigest()) ? "" : null);
        return Reply.ok(zxid, null);
    }

    /**
     * One step of a SASL DIGEST-MD5 exchange; when it completes the connection holds {@code
     * sasl:USER}. A failed exchange is AUTHFAILED and the connection closes, as in ZooKeeper. Like
     * an auth packet's, the reply carries zxid 0.
     */
    private Reply sasl(ZkConnection c, GetSASLRequest request) {
        long zxid = 0;
        SaslDigestUsers users = server.saslUsers();
        if (!users.enabled()) {
            // ZooKeeper without a JAAS file answers OK with no token, and its client gives up (AuthFailed).
            return Reply.ok(zxid, new SetSASLResponse(null));
        }
        try {
            SaslServer exchange = c.saslServer(users);
            byte[] token = request.getToken() == null ? new byte[0] : request.getToken();
            byte[] response = exchange.evaluateResponse(token);
            if (exchange.isComplete()) {
                String user = exchange.getAuthorizationID();
                c.addAuth(new ZkId("sasl", user), users.isSuperUser(user) ? "" : null);
            }
            return Reply.ok(zxid, new SetSASLResponse(response));
        } catch (SaslException | IllegalStateException failed) {
            LOG.warn("client failed to SASL authenticate: {}", failed.getMessage());
            // ZooKeeper's client reads a token even from this answer: an empty one goes with it.
            return new Reply(zxid, ZkCode.AUTHFAILED, new SetSASLResponse(null), List.of(), true);
        }
    }

    private static List<ClientInfo> clientInfos(ZkConnection c) {
        List<ClientInfo> out = new ArrayList<>();
        for (AuthInfoOrder.Entry e : c.authInfo()) {
            out.add(new ClientInfo(e.scheme(), e.user()));
        }
        return out;
    }
}
