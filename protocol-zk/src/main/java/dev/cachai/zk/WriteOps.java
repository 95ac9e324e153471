package dev.cachai.zk;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.ZkOpResult;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.ZkPaths;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Single-op writes: the request becomes a {@link ZkTxn} and goes through the log; the engine
 * applies ZooKeeper's checks. What the engine cannot know (extended types disabled, the system
 * nodes this adapter serves) is answered here.
 */
final class WriteOps {
    /** Why an op was refused before reaching the engine, or null. */
    record Refusal(int err) {}

    private final CommandGateway gateway;
    private final ZkServerConfig config;
    private final TreeView tree;
    /** Whether the x509 scheme exists here (ZooKeeper registers it only where certificates are used). */
    private final boolean x509Scheme;

    private final QuotaWarnings quotaWarnings;

    WriteOps(CommandGateway gateway, ZkServerConfig config, TreeView tree, boolean x509Scheme) {
        this.gateway = gateway;
        this.config = config;
        this.tree = tree;
        this.x509Scheme = x509Scheme;
        this.quotaWarnings = new QuotaWarnings(gateway.engine());
    }

    /**
     * The txn for a connection's ops, stamped with this member (its server id, so a write through
     * a connection the session left fails with SESSIONMOVED) and whether it enforces quotas.
     */
    ZkTxn txn(ZkConnection c, List<ZkOp> ops, boolean multi) {
        if (config.enforceQuota()) {
            ops.forEach(quotaWarnings::check);
        }
        return new ZkTxn(c.sessionId(), c.identity(), ops, multi, (int) config.serverId(), config.enforceQuota());
    }

    /** The op for a create request, or a refusal code. */
    Object createOp(int type, String path, byte[] data, List<org.apache.zookeeper.data.ACL> acl, int flags, long ttl) {
        NodeKind kind = NodeKind.fromFlag(flags);
        if (kind == null) {
            return new Refusal(ZkCode.BADARGUMENTS);
        }
        if (type == OpCode.CREATE_CONTAINER) {
            kind = NodeKind.CONTAINER;
        }
        if (kind.isTtl() && !config.extendedTypesEnabled()) {
            return new Refusal(ZkCode.UNIMPLEMENTED);
        }
        boolean ttlOk = kind.isTtl() ? ttl > 0 : type != OpCode.CREATE_TTL || ttl < 0;
        if (!ttlOk) {
            return new Refusal(ZkCode.BADARGUMENTS);
        }
        if (path == null) {
            return new Refusal(ZkCode.MARSHALLINGERROR); // ZooKeeper fails on it after the checks above
        }
        Integer system = systemCreateRefusal(path, kind.isSequential());
        if (system != null) {
            return new Refusal(system);
        }
        Integer acls = aclRefusal(acl);
        if (acls != null) {
            return new Refusal(acls);
        }
        return new ZkOp.Create(path, data, Convert.fromJute(acl), kind, kind.isTtl() ? ttl : 0);
    }

    /** INVALIDACL for x509 ids on a server without the x509 provider, as ZooKeeper answers an unknown scheme. */
    Integer aclRefusal(List<org.apache.zookeeper.data.ACL> acl) {
        if (x509Scheme || acl == null) {
            return null;
        }
        for (org.apache.zookeeper.data.ACL a : acl) {
            if (a.getId() != null && X509Identity.SCHEME.equals(a.getId().getScheme())) {
                return ZkCode.INVALIDACL;
            }
        }
        return null;
    }

    /** The built-in nodes exist and /zookeeper/config is read-only; other paths under /zookeeper are stored. */
    private static Integer systemCreateRefusal(String path, boolean sequential) {
        if (path == null || !TreeView.isSystem(path)) {
            return null;
        }
        if (TreeView.isBuiltIn(path) && !sequential) { // a sequential name gets a suffix: no built-in node's
            return ZkCode.NODEEXISTS;
        }
        return TreeView.isUnderConfig(path) ? ZkCode.NOAUTH : null;
    }

    /**
     * A delete's refusal before the engine's: ZooKeeper fails on a null path as it looks for the
     * parent (MARSHALLINGERROR), refuses its special nodes ("/", /zookeeper, its quota and config
     * nodes) as bad arguments, and finds nothing below /zookeeper/config.
     */
    static Integer deleteRefusal(String path) {
        if (path == null) {
            return ZkCode.MARSHALLINGERROR;
        }
        if (path.equals("/") || TreeView.isBuiltIn(path)) {
            return ZkCode.BADARGUMENTS;
        }
        return TreeView.isUnderConfig(path) && ZkPaths.isValid(path) ? Integer.valueOf(ZkCode.NONODE) : null;
    }

    /**
     * setData's and setACL's refusal before the engine's: a null path is invalid; under
     * /zookeeper, /zookeeper and its quota node are open to them, as in ZooKeeper, while
     * /zookeeper/config is read-only and has no children.
     */
    static Integer pathRefusal(String path) {
        if (path == null) {
            return ZkCode.BADARGUMENTS;
        }
        if (!TreeView.isSystem(path) || !ZkPaths.isValid(path)) {
            return null;
        }
        if (path.equals(TreeView.CONFIG)) {
            return ZkCode.NOAUTH;
        }
        return TreeView.isUnderConfig(path) ? ZkCode.NONODE : null;
    }

    CompletableFuture<Reply> single(ZkConnection c, int type, Object opOrRefusal) {
        if (opOrRefusal instanceof Refusal r) {
            return CompletableFuture.completedFuture(Reply.error(gateway.engine().revision(), r.err()));
        }
        ZkOp op = (ZkOp) opOrRefusal;
        List<ZkOp> parents = SystemNodes.missingParents(gateway.engine(), List.of(op));
        ZkTxn txn = parents.isEmpty() ? txn(c, List.of(op), false) : txn(c, SystemNodes.concat(parents, List.of(op)), true);
        return gateway.propose(txn).thenApply(result ->
                singleReply(type, SystemNodes.withoutParents((ZkTxnResult) result, parents.size())));
    }

    private Reply singleReply(int type, Result result) {
        ZkTxnResult r = (ZkTxnResult) result;
        if (r.err() == ZkCode.SESSIONMOVED) {
            return Reply.sessionMoved(r.revision());
        }
        if (r.err() != ZkCode.OK) {
            return Reply.error(r.revision(), r.err());
        }
        return Reply.ok(r.revision(), body(type, r.results().get(0)));
    }

    /**
     * The reply body of a successful op, by opcode; null where ZooKeeper sends only the header.
     * A Stat of the root or a built-in node is shown as reads show it.
     */
    Record body(int type, ZkOpResult op) {
        return switch (type) {
            case OpCode.CREATE -> new CreateResponse(op.path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL ->
                    new Create2Response(op.path(), Convert.stat(op.stat()));
            case OpCode.SET_DATA -> new SetDataResponse(Convert.stat(tree.shown(op.path(), op.stat())));
            case OpCode.SET_ACL -> new SetACLResponse(Convert.stat(tree.shown(op.path(), op.stat())));
            default -> null;
        };
    }
}
