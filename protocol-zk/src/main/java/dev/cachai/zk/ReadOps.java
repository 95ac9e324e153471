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
import java.util.function.Supplier;

/**
 * Reads, answered from this node's state on the connection's event loop, with ZooKeeper's
 * FinalRequestProcessor rules: existence first, then the READ permission, then the watch.
 * A watch is registered before the read (see {@link WatchRegistry}) and withdrawn on error.
 */
final class ReadOps {
    /** Reads retried because commits interleaved; past this the last read stands. */
    private static final int READ_ATTEMPTS_MAX = 8;

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

    /** What a read saw, at one revision, and whether it registered a new watch. */
    private record Seen<T>(T value, long revision, boolean watchAdded) {}

    /**
     * Reads with the watch registered at exactly the revision the read saw: a commit landing
     * between registration and read would otherwise fire the watch for a change the reply
     * already shows, and the client drops an event that arrives before its reply. Retried while
     * commits interleave; the engine reads at one revision, so an unchanged revision proves it.
     * When commits keep interleaving (large reads under heavy writes) the reply claims the
     * revision the watch was registered at: events after it then follow the reply, at worst
     * telling the client of a change the reply already showed, never losing one.
     */
    private <T> Seen<T> read(ZkConnection c, WatchKind kind, String path, boolean watch, Supplier<T> reader) {
        boolean added = false;
        for (int attempt = 1; ; attempt++) {
            long before = zxid();
            if (added) {
                watches.remove(kind, path, c);
            }
            added = watch && watches.add(kind, path, c, before);
            T value = reader.get();
            long after = zxid();
            if (before == after || attempt == READ_ATTEMPTS_MAX) {
                return new Seen<>(value, before, added);
            }
        }
    }

    Reply exists(ZkConnection c, String path, boolean watch) {
        if (path == null) {
            return nullPath();
        }
        if (path.indexOf('\0') >= 0) {
            return Reply.error(zxid(), ZkCode.BADARGUMENTS);
        }
        Seen<ZkNode> seen = read(c, WatchKind.DATA, path, watch, () -> tree.node(lookup(path)));
        ZkNode n = seen.value();
        if (n == null) {
            return Reply.error(seen.revision(), ZkCode.NONODE); // the exist watch stays
        }
        if (!readable(c, n)) { // ZooKeeper 3.9 checks READ on exists, before setting the watch
            withdraw(seen.watchAdded(), WatchKind.DATA, path, c);
            return Reply.error(seen.revision(), ZkCode.NOAUTH);
        }
        return Reply.ok(seen.revision(), new ExistsResponse(Convert.stat(n.stat())));
    }

    /**
     * Where a read looks: ZooKeeper's tree holds the root under "" too, so reads of "" see it.
     * (Reads check no path: any other string no node can have is just not found.)
     */
    private static String lookup(String path) {
        return path.isEmpty() ? "/" : path;
    }

    /** ZooKeeper looks a null path up and fails there: the client hears MARSHALLINGERROR. */
    private Reply nullPath() {
        return Reply.error(zxid(), ZkCode.MARSHALLINGERROR);
    }

    Reply getData(ZkConnection c, String path, boolean watch) {
        if (path == null) {
            return nullPath();
        }
        Seen<ZkNode> seen = read(c, WatchKind.DATA, path, watch, () -> tree.node(lookup(path)));
        ZkNode n = seen.value();
        int err = n == null ? ZkCode.NONODE : readable(c, n) ? ZkCode.OK : ZkCode.NOAUTH;
        if (err != ZkCode.OK) {
            withdraw(seen.watchAdded(), WatchKind.DATA, path, c);
            return Reply.error(seen.revision(), err);
        }
        return Reply.ok(seen.revision(), new GetDataResponse(n.data(), Convert.stat(n.stat())));
    }

    private record NodeAndChildren(ZkNode node, List<String> children) {}

    Reply getChildren(ZkConnection c, String path, boolean watch, boolean withStat) {
        if (path == null) {
            return nullPath();
        }
        String at = lookup(path);
        Seen<NodeAndChildren> seen = read(c, WatchKind.CHILD, path, watch, () -> {
            ZkNode node = tree.node(at);
            return new NodeAndChildren(node, node == null ? null : tree.children(at));
        });
        ZkNode n = seen.value().node();
        List<String> children = seen.value().children();
        int err = children == null ? ZkCode.NONODE : readable(c, n) ? ZkCode.OK : ZkCode.NOAUTH;
        if (err != ZkCode.OK) {
            withdraw(seen.watchAdded(), WatchKind.CHILD, path, c);
            return Reply.error(seen.revision(), err);
        }
        return Reply.ok(seen.revision(), withStat
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
        if (path == null) {
            return nullPath();
        }
        ZkNode n = tree.node(lookup(path));
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
        if (path == null) {
            return nullPath();
        }
        ZkNode n = tree.node(lookup(path));
        if (n == null) {
            return Reply.error(zxid(), ZkCode.NONODE);
        }
        if (!readable(c, n)) {
            return Reply.error(zxid(), ZkCode.NOAUTH);
        }
        return Reply.ok(zxid(), new GetAllChildrenNumberResponse(tree.descendants(lookup(path))));
    }

    Reply ephemerals(ZkConnection c, String prefix) {
        List<String> paths = engine.zkEphemerals(c.sessionId(), prefix == null || prefix.isEmpty() ? "/" : prefix);
        paths.sort(String::compareTo);
        return Reply.ok(zxid(), new GetEphemeralsResponse(paths));
    }
}
