package dev.cachai.zk;

import dev.cachai.engine.Engine;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.result.ZkOpResult;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The stored part of /zookeeper. ZooKeeper's /zookeeper and /zookeeper/quota are ordinary nodes
 * clients may create children under (quota limits, anything else but /zookeeper/config). The
 * engine stores nothing under /zookeeper until a client creates something there; that write then
 * also creates the missing built-in parents in the same transaction. The engine stores those as
 * ZooKeeper has them, from zxid 0 ({@code ZkPaths.existsFromStart}: no pzxid moves, no events
 * follow), and {@link TreeView} takes them off the counts and cversions it shows.
 */
final class SystemNodes {
    private SystemNodes() {}

    static boolean stored(Engine engine, String path) {
        return engine.zkNode(path) != null;
    }

    /** How many of /zookeeper and /zookeeper/quota the engine holds (0 to 2). */
    static int storedBuiltIns(Engine engine) {
        return (stored(engine, TreeView.SYSTEM) ? 1 : 0) + (stored(engine, TreeView.QUOTA) ? 1 : 0);
    }

    /** Creates of the built-in parents the ops need and the engine lacks, in parent-first order. */
    static List<ZkOp> missingParents(Engine engine, List<ZkOp> ops) {
        boolean needSystem = false;
        boolean needQuota = false;
        for (ZkOp op : ops) {
            if (op instanceof ZkOp.Create c && TreeView.isSystem(c.path())) {
                needSystem = true;
                needQuota |= c.path().startsWith(TreeView.QUOTA + "/");
            }
            // Setting data or an ACL on /zookeeper or its quota node stores that node first.
            String set = op instanceof ZkOp.SetData d ? d.path() : op instanceof ZkOp.SetAcl a ? a.path() : null;
            if (TreeView.SYSTEM.equals(set) || TreeView.QUOTA.equals(set)) {
                needSystem = true;
                needQuota |= TreeView.QUOTA.equals(set);
            }
        }
        List<ZkOp> out = new ArrayList<>();
        if (needSystem && !stored(engine, TreeView.SYSTEM)) {
            out.add(builtIn(TreeView.SYSTEM));
        }
        if (needQuota && !stored(engine, TreeView.QUOTA)) {
            out.add(builtIn(TreeView.QUOTA));
        }
        return out;
    }

    private static ZkOp builtIn(String path) {
        return new ZkOp.Create(path, new byte[0], Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0);
    }

    static List<ZkOp> concat(List<ZkOp> prefix, List<ZkOp> ops) {
        List<ZkOp> all = new ArrayList<>(prefix);
        all.addAll(ops);
        return all;
    }

    /**
     * The result as if only the client's ops had run: the parents' results dropped, and the error
     * being the first error of a client op (a parent failing leaves only RUNTIMEINCONSISTENCY there).
     */
    static ZkTxnResult withoutParents(ZkTxnResult r, int parents) {
        if (parents == 0) {
            return r;
        }
        List<ZkOpResult> own = r.results().size() >= parents
                ? r.results().subList(parents, r.results().size()) : List.of();
        int err = r.err();
        if (err != ZkCode.OK) {
            for (ZkOpResult op : own) {
                if (op.err() != ZkCode.OK && op.err() != ZkCode.RUNTIMEINCONSISTENCY) {
                    err = op.err();
                    break;
                }
            }
        }
        return new ZkTxnResult(r.revision(), err, own);
    }
}
