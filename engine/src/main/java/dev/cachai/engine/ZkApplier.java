package dev.cachai.engine;

import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkReap;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.kv.Entry;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.ZkOpResult;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.NodeMeta;
import dev.cachai.engine.zk.ZkAcls;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkQuota;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Applies ZooKeeper writes with ZooKeeper's checks in ZooKeeper's order (PrepRequestProcessor).
 * Every ZooKeeper write takes a zxid, also when it fails, as in ZooKeeper.
 */
final class ZkApplier {
    /** ZooKeeper's TTL limit: the TTL must fit the 40 low bits of an ephemeralOwner. */
    static final long TTL_MS_MAX = 0x000000FFFFFFFFFFL;
    private static final long TTL_OWNER_MARK = 0xFF00000000000000L;

    private final EngineState s;

    ZkApplier(EngineState s) {
        this.s = s;
    }

    private static final class ZkFailure extends Exception {
        final int code;

        ZkFailure(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    Result txn(WriteTxn w, ZkTxn t) {
        w.forceRevision = true;
        if (movedAway(t)) {
            int moved = ZkCode.SESSIONMOVED;
            return new ZkTxnResult(w.revision, moved, failedResults(t.ops().size(), 0, moved));
        }
        w.undoable = t.ops().size() > 1;
        List<ZkOpResult> results = new ArrayList<>();
        for (int i = 0; i < t.ops().size(); i++) {
            try {
                results.add(apply(w, t, t.ops().get(i)));
            } catch (ZkFailure f) {
                if (w.undoable) {
                    // A single op fails before it writes anything; only a multi has writes to undo.
                    w.rollback();
                }
                w.forceRevision = true;
                return new ZkTxnResult(w.revision, f.code, failedResults(t.ops().size(), i, f.code));
            }
        }
        return new ZkTxnResult(w.revision, ZkCode.OK, results);
    }

    /**
     * Whether the txn came through a connection its session left: the session now belongs to
     * another member (ZooKeeper's checkSession). The first write of a session without an owner
     * yet makes its member the owner, as ZooKeeper's does.
     */
    private boolean movedAway(ZkTxn t) {
        Lease session = t.origin() == 0 ? null : s.leases.get(t.sessionId());
        if (session == null || session.kind() != Lease.Kind.SESSION) {
            return false;
        }
        if (session.owner() == 0) {
            session.owner(t.origin());
        }
        return session.owner() != t.origin();
    }

    private static List<ZkOpResult> failedResults(int size, int failedAt, int code) {
        List<ZkOpResult> out = new ArrayList<>(size);
        for (int j = 0; j < size; j++) {
            int err = j < failedAt ? ZkCode.OK : j == failedAt ? code : ZkCode.RUNTIMEINCONSISTENCY;
            out.add(new ZkOpResult(err, null, null));
        }
        return out;
    }

    private ZkOpResult apply(WriteTxn w, ZkTxn t, ZkOp op) throws ZkFailure {
        if (op instanceof ZkOp.Create c) {
            return create(w, t, c);
        } else if (op instanceof ZkOp.Delete d) {
            return delete(w, t.identity(), d);
        } else if (op instanceof ZkOp.SetData sd) {
            return setData(w, t, sd);
        } else if (op instanceof ZkOp.SetAcl sa) {
            return setAcl(w, t.identity(), sa);
        }
        return check(w, t.identity(), (ZkOp.Check) op);
    }

    private ZkOpResult create(WriteTxn w, ZkTxn t, ZkOp.Create c) throws ZkFailure {
        NodeKind kind = c.kind();
        validateTtl(kind, c.ttlMs());
        String parentPath = parentOf(c.path());
        List<Acl> acl = ZkAcls.fixup(c.acl(), t.identity());
        if (acl == null) {
            throw new ZkFailure(ZkCode.INVALIDACL);
        }
        ZkNode parent = nodeIfPath(w, parentPath);
        if (parent == null) {
            throw new ZkFailure(ZkCode.NONODE);
        }
        requirePerm(parent.acl(), Acl.CREATE, t.identity());
        String path = kind.isSequential()
                ? c.path() + String.format(Locale.ENGLISH, "%010d", createsUnder(w, parentPath))
                : c.path();
        validPath(path);
        if (node(w, path) != null) {
            throw new ZkFailure(ZkCode.NODEEXISTS);
        }
        if (parent.stat().ephemeralOwner() != 0) {
            throw new ZkFailure(ZkCode.NOCHILDRENFOREPHEMERALS);
        }
        long lease = 0;
        if (kind.isEphemeral()) {
            Lease session = s.leases.get(t.sessionId());
            if (session == null || session.kind() != Lease.Kind.SESSION) {
                throw new ZkFailure(ZkCode.SESSIONEXPIRED);
            }
            lease = t.sessionId();
        }
        if (t.enforceQuota()) {
            enforceQuota(path, c.data() == null ? 0 : c.data().length, 1);
        }
        byte[] key = path.getBytes(StandardCharsets.UTF_8);
        w.put(key, c.data() == null ? Bytes.EMPTY : c.data(), c.data() == null, lease);
        Entry e = s.kv.entry(key);
        NodeKind stored = kind.stored();
        NodeMeta derived = e.meta() != null ? e.meta() : WriteTxn.defaultMeta(e.head());
        NodeMeta meta = new NodeMeta(stored, stored.isTtl() ? c.ttlMs() : 0, ephemeralOwner(stored, lease, c.ttlMs()),
                0, ownPzxid(path, derived), 0, acl, derived.numChildren(), derived.hadChildren(), w.revision, null);
        if (e.meta() != null || !meta.equals(WriteTxn.defaultMeta(e.head()))) {
            // Otherwise a plain world-open node, most creates: its meta stays derived on read. Six
            // objects per node fewer for the collector to copy and mark, at a million nodes.
            w.setMeta(key, w.keepHistory(meta, derived.older()));
        }
        return new ZkOpResult(ZkCode.OK, path, ZkView.stat(e.head(), meta));
    }

    /**
     * A new node's pzxid is its creation's zxid, as in ZooKeeper, except for a node ZooKeeper
     * has from its start: 0 there, unless children below it (etcd keys) made it a node already.
     */
    private static long ownPzxid(String path, NodeMeta derived) {
        return ZkPaths.existsFromStart(path) && derived.numChildren() == 0 ? 0 : derived.pzxid();
    }

    private static long ephemeralOwner(NodeKind kind, long session, long ttlMs) {
        return switch (kind) {
            case EPHEMERAL -> session;
            case CONTAINER -> Long.MIN_VALUE;
            case PERSISTENT_WITH_TTL -> TTL_OWNER_MARK | ttlMs;
            default -> 0;
        };
    }

    private static void validateTtl(NodeKind kind, long ttlMs) throws ZkFailure {
        boolean ok = kind.isTtl() ? ttlMs > 0 && ttlMs <= TTL_MS_MAX : ttlMs < 0 || ttlMs == 0;
        if (!ok) {
            throw new ZkFailure(ZkCode.BADARGUMENTS);
        }
    }

    private ZkOpResult delete(WriteTxn w, ZkIdentity id, ZkOp.Delete d) throws ZkFailure {
        String parentPath = parentOf(d.path());
        ZkNode parent = nodeIfPath(w, parentPath);
        if (parent == null) {
            throw new ZkFailure(ZkCode.NONODE);
        }
        // ZooKeeper asks the parent's DELETE permission before it looks for the node itself.
        requirePerm(parent.acl(), Acl.DELETE, id);
        ZkNode target = nodeIfPath(w, d.path());
        if (target == null) {
            throw new ZkFailure(ZkCode.NONODE);
        }
        checkVersion(target.stat().version(), d.version());
        // The count is what getChildren shows, virtual children included, so a virtual node
        // (never childless) is not empty either, as its readers see.
        if (target.stat().numChildren() > 0) {
            throw new ZkFailure(ZkCode.NOTEMPTY);
        }
        w.delete(d.path().getBytes(StandardCharsets.UTF_8));
        return new ZkOpResult(ZkCode.OK, d.path(), null);
    }

    /**
     * A virtual node takes the data and becomes real (its key is written): readers saw it exist,
     * so refusing it NONODE would leave a client that found create answering NODEEXISTS with
     * no way to set it. Its version shows 0, as a real node's first version does.
     */
    private ZkOpResult setData(WriteTxn w, ZkTxn t, ZkOp.SetData sd) throws ZkFailure {
        ZkNode target = existing(w, sd.path());
        requirePerm(target.acl(), Acl.WRITE, t.identity());
        if (t.enforceQuota()) {
            enforceQuota(sd.path(), (sd.data() == null ? 0 : sd.data().length) - target.stat().dataLength(), 0);
        }
        checkVersion(target.stat().version(), sd.version());
        byte[] key = sd.path().getBytes(StandardCharsets.UTF_8);
        KeyValue current = s.kv.get(key, w.revision);
        long lease = current == null ? 0 : current.lease(); // a virtual node has no key, so no lease
        w.put(key, sd.data() == null ? Bytes.EMPTY : sd.data(), sd.data() == null, lease);
        return new ZkOpResult(ZkCode.OK, sd.path(), node(w, sd.path()).stat());
    }

    private ZkOpResult setAcl(WriteTxn w, ZkIdentity id, ZkOp.SetAcl sa) throws ZkFailure {
        validPath(sa.path());
        List<Acl> acl = ZkAcls.fixup(sa.acl(), id);
        if (acl == null) {
            throw new ZkFailure(ZkCode.INVALIDACL);
        }
        ZkNode target = existing(w, sa.path());
        requirePerm(target.acl(), Acl.ADMIN, id);
        checkVersion(target.stat().aversion(), sa.aclVersion());
        if (sa.path().equals("/")) {
            // The root has no key: its ACL lives with its meta.
            NodeMeta root = w.rootMeta();
            w.setRootMeta(root.aclSet(acl, w.revision, s.snapshotPinned() ? root : null));
            return new ZkOpResult(ZkCode.OK, sa.path(), node(w, sa.path()).stat());
        }
        byte[] key = sa.path().getBytes(StandardCharsets.UTF_8);
        if (isVirtual(target)) {
            // An ACL needs a key to live on: the virtual node becomes real, with its empty data.
            w.put(key, Bytes.EMPTY, false, 0);
        }
        Entry e = s.kv.entry(key);
        NodeMeta current = ZkView.metaAt(e, e.head(), w.revision);
        w.setMeta(key, current.aclSet(acl, w.revision, s.snapshotPinned() ? e.meta() : null));
        return new ZkOpResult(ZkCode.OK, sa.path(), node(w, sa.path()).stat());
    }

    private ZkOpResult check(WriteTxn w, ZkIdentity id, ZkOp.Check c) throws ZkFailure {
        ZkNode target = existing(w, c.path());
        requirePerm(target.acl(), Acl.READ, id);
        checkVersion(target.stat().version(), c.version());
        return new ZkOpResult(ZkCode.OK, c.path(), target.stat());
    }

    /** Removes an empty container (that had children) or an expired, childless TTL node. */
    Result reap(WriteTxn w, ZkReap r) {
        if (!ZkPaths.isValid(r.path()) || r.path().equals("/")) {
            return new ZkTxnResult(s.revision, ZkCode.BADARGUMENTS, List.of());
        }
        byte[] key = r.path().getBytes(StandardCharsets.UTF_8);
        Entry e = s.kv.entry(key);
        if (e == null || e.head().isTombstone()) {
            return new ZkTxnResult(s.revision, ZkCode.NONODE, List.of());
        }
        NodeMeta m = ZkView.metaAt(e, e.head(), s.revision);
        boolean empty = m.numChildren() == 0;
        if (!m.reapableAt(w.timeMs, e.head().mtimeMs(), empty)) {
            return new ZkTxnResult(s.revision, empty ? ZkCode.BADARGUMENTS : ZkCode.NOTEMPTY, List.of());
        }
        w.delete(key);
        return new ZkTxnResult(w.revision, ZkCode.OK, List.of(new ZkOpResult(ZkCode.OK, r.path(), null)));
    }

    /** The parent's count of child creates: ZooKeeper's sequential suffix. */
    private int createsUnder(WriteTxn w, String parentPath) {
        return parentCversion(w, parentPath) - storedBuiltInChild(parentPath);
    }

    private int parentCversion(WriteTxn w, String parentPath) {
        if (parentPath.equals("/")) {
            return s.rootMeta.cversion();
        }
        Entry e = s.kv.entry(parentPath.getBytes(StandardCharsets.UTF_8));
        if (e == null || e.head().isTombstone()) {
            return 0;
        }
        return ZkView.metaAt(e, e.head(), w.revision).cversion();
    }

    /**
     * 1 when the parent's built-in child (/zookeeper under the root, its quota node under
     * /zookeeper) is stored: storing it when a client first wrote below it counted as a creation,
     * but ZooKeeper has it from its start, so its sequential names do not count it.
     */
    private int storedBuiltInChild(String parentPath) {
        String child = parentPath.equals("/") ? ZkPaths.SYSTEM_ROOT
                : parentPath.equals(ZkPaths.SYSTEM_ROOT) ? ZkQuota.QUOTA_ROOT : null;
        if (child == null) {
            return 0;
        }
        Entry e = s.kv.entry(child.getBytes(StandardCharsets.UTF_8));
        return e == null || e.head().isTombstone() ? 0 : 1;
    }

    /** The node at {@code path}, a valid path. */
    private ZkNode node(WriteTxn w, String path) {
        return ZkView.nodeWhileApplying(s, path, w.revision);
    }

    /**
     * The node at a path only parentOf has looked at: none at a string no node can have ("/a/",
     * "/a//b", an etcd key that is no path).
     */
    private ZkNode nodeIfPath(WriteTxn w, String path) {
        return ZkPaths.isValid(path) ? node(w, path) : null;
    }

    private static boolean isVirtual(ZkNode n) {
        return n.stat().czxid() == 0 && !n.path().equals("/");
    }

    /** A node readers see, virtual ones included (setData, setACL and check accept those). */
    private ZkNode existing(WriteTxn w, String path) throws ZkFailure {
        validPath(path);
        ZkNode n = node(w, path);
        if (n == null) {
            throw new ZkFailure(ZkCode.NONODE);
        }
        return n;
    }

    private static void validPath(String path) throws ZkFailure {
        if (!ZkPaths.isValid(path)) {
            throw new ZkFailure(ZkCode.BADARGUMENTS);
        }
    }

    /**
     * ZooKeeper's first look at a create's or delete's path: it needs a '/' and no NUL, and names
     * the parent. The whole path is checked later: a create's once the parent is found and lets
     * it create (with a sequential suffix added, so "/a/" is a fine sequential prefix); a
     * delete's never, a path no node can have is just not found.
     */
    private static String parentOf(String path) throws ZkFailure {
        int slash = path == null ? -1 : path.lastIndexOf('/');
        if (slash < 0 || path.indexOf('\0') >= 0) {
            throw new ZkFailure(ZkCode.BADARGUMENTS);
        }
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    private static void requirePerm(List<Acl> acl, int perm, ZkIdentity id) throws ZkFailure {
        if (!ZkAcls.allows(acl, perm, id)) {
            throw new ZkFailure(ZkCode.NOAUTH);
        }
    }

    /** Hard quota limits, checked where ZooKeeper's PrepRequestProcessor checks them. */
    private void enforceQuota(String path, long bytesDiff, int countDiff) throws ZkFailure {
        int code = QuotaCheck.of(s, path, bytesDiff, countDiff).code();
        if (code != ZkCode.OK) {
            throw new ZkFailure(code);
        }
    }

    private static void checkVersion(int current, int expected) throws ZkFailure {
        if (expected != -1 && expected != current) {
            throw new ZkFailure(ZkCode.BADVERSION);
        }
    }
}
