package dev.cachai.zk;

import dev.cachai.engine.Engine;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkAcls;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.zk.watch.WatchKind;
import dev.cachai.zk.watch.WatchRegistry;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetAllChildrenNumberResponse;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.GetEphemeralsResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads, answered from this node's state on the connection's event loop, with ZooKeeper's
 * FinalRequestProcessor rules: existence first, then the READ permission, then the watch.
 * A watch is registered before the read (see {@link WatchRegistry}) and withdrawn on error.
 */
final class ReadOps {
    private final Engine engine;
    private final TreeView tree;
    private final WatchRegistry watches;

    ReadOps(Engine engine, TreeView tree, WatchRegistry watches) {
        this.engine = engine;
        this.tree = tree;
        this.watches = watches;
    }

    private long zxid() {
        return engine.revision();
    }

    Reply exists(ZkConnection c, String path, boolean watch) {
        if (path.indexOf('\0') >= 0) {
            return Reply.error(zxid(), ZkCode.BADARGUMENTS);
        }
        if (watch) {
            watches.add(WatchKind.DATA, path, c, zxid());
        }
        ZkNode n = tree.node(path);
        return n == null ? Reply.error(zxid(), ZkCode.NONODE) : Reply.ok(zxid(), new ExistsResponse(Convert.stat(n.stat())));
    }

    Reply getData(ZkConnection c, String path, boolean watch) {
        boolean added = watch && watches.add(WatchKind.DATA, path, c, zxid());
        ZkNode n = tree.node(path);
        int err = n == null ? ZkCode.NONODE : readable(c, n) ? ZkCode.OK : ZkCode.NOAUTH;
        if (err != ZkCode.OK) {
            withdraw(added, WatchKind.DATA, path, c);
            return Reply.error(zxid(), err);
        }
        return Reply.ok(zxid(), new GetDataResponse(n.data(), Convert.stat(n.stat())));
    }

    Reply getChildren(ZkConnection c, String path, boolean watch, boolean withStat) {
        boolean added = watch && watches.add(WatchKind.CHILD, path, c, zxid());
        ZkNode n = tree.node(path);
        List<String> children = n == null ? null : tree.children(path);
        int err = children == null ? ZkCode.NONODE : readable(c, n) ? ZkCode.OK : ZkCode.NOAUTH;
        if (err != ZkCode.OK) {
            withdraw(added, WatchKind.CHILD, path, c);
            return Reply.error(zxid(), err);
        }
        return Reply.ok(zxid(), withStat
                ? new GetChildren2Response(children, Convert.stat(n.stat()))
                : new GetChildrenResponse(children));
    }

    private void withdraw(boolean added, WatchKind kind, String path, ZkConnection c) {
        if (added) {
            watches.remove(kind, path, c);
        }
    }

    private static boolean readable(ZkConnection c, ZkNode n) {
        return ZkAcls.allows(n.acl(), Acl.READ, c.identity());
    }

    /** getACL needs READ or ADMIN; without ADMIN, digest hashes are masked as ZooKeeper 3.9 does. */
    Reply getAcl(ZkConnection c, String path) {
        ZkNode n = tree.node(path);
        if (n == null) {
            return Reply.error(zxid(), ZkCode.NONODE);
        }
        if (!ZkAcls.allows(n.acl(), Acl.READ | Acl.ADMIN, c.identity())) {
            return Reply.error(zxid(), ZkCode.NOAUTH);
        }
        List<ACL> acl = Convert.toJute(n.acl());
        if (!ZkAcls.allows(n.acl(), Acl.ADMIN, c.identity())) {
            List<ACL> masked = new ArrayList<>();
            for (ACL a : acl) {
                Id id = a.getId();
                masked.add(id.getScheme().equals("digest")
                        ? new ACL(a.getPerms(), new Id("digest", id.getId().replaceAll(":.*", ":x")))
                        : a);
            }
            acl = masked;
        }
        return Reply.ok(zxid(), new GetACLResponse(acl, Convert.stat(n.stat())));
    }

    Reply allChildrenNumber(ZkConnection c, String path) {
        ZkNode n = tree.node(path);
        if (n == null) {
            return Reply.error(zxid(), ZkCode.NONODE);
        }
        if (!readable(c, n)) {
            return Reply.error(zxid(), ZkCode.NOAUTH);
        }
        return Reply.ok(zxid(), new GetAllChildrenNumberResponse(tree.descendants(path)));
    }

    Reply ephemerals(ZkConnection c, String prefix) {
        List<String> paths = engine.zkEphemerals(c.sessionId(), prefix == null || prefix.isEmpty() ? "/" : prefix);
        paths.sort(String::compareTo);
        return Reply.ok(zxid(), new GetEphemeralsResponse(paths));
    }
}
