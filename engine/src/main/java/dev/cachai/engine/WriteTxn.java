package dev.cachai.engine;

import dev.cachai.engine.kv.Entry;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.NodeMeta;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkTreeChange;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes of one revision in progress: applies them to the store at once, keeps the events
 * they produce and an undo log, so a failed ZooKeeper multi can be rolled back. Every key
 * creation or deletion that is a ZooKeeper node also updates its parent's meta.
 */
final class WriteTxn {
    private static final byte[] ROOT_MARKER = new byte[0];

    private record Undo(byte[] key, KeyValue head, NodeMeta meta, long leaseBefore, long leaseAfter) {}

    final long revision;
    final long timeMs;
    private final EngineState state;
    private final List<Event> events = new ArrayList<>(2);
    /** Allocated only when a virtual node is involved, which most revisions never see. */
    private List<ZkTreeChange> treeChanges = List.of();
    private List<Undo> undo;
    /** The quota usage before this revision, kept only once an undoable write changes it. */
    private ZkQuotas.View quotasBefore;
    /** Set when the revision must be taken even without key changes (ZooKeeper txns, sessions). */
    boolean forceRevision;
    /** Only a ZooKeeper multi can fail after it wrote; other commands skip the undo log. */
    boolean undoable;

    WriteTxn(EngineState state, long timeMs) {
        this.state = state;
        this.revision = state.revision + 1;
        this.timeMs = timeMs;
    }

    boolean wrote() {
        return !events.isEmpty() || forceRevision;
    }

    List<Event> events() {
        return events;
    }

    List<ZkTreeChange> treeChanges() {
        return treeChanges;
    }

    /** Writes a version of {@code key}; returns the previous live version or null. */
    KeyValue put(byte[] key, byte[] value, boolean nullValue, long lease) {
        Entry e = state.kv.entry(key);
        KeyValue prevHead = e == null ? null : e.head();
        NodeMeta prevMeta = e == null ? null : e.meta();
        KeyValue prev = prevHead == null || prevHead.isTombstone() ? null : prevHead;
        long prevLease = prev == null ? 0 : prev.lease();
        KeyValue next = state.kv.put(e, key, value, nullValue, lease, revision, timeMs);
        remember(key, prevHead, prevMeta, prevLease, lease);
        state.leases.reattach(next.key(), prevLease, lease);
        events.add(new Event(Event.Type.PUT, next, prev));
        if (prev == null) {
            onNodeCreated(next, prevMeta);
        }
        if (quotasTouched(key)) {
            if (prev == null) {
                state.quotas.created(state, next, revision);
            } else {
                state.quotas.dataChanged(prev, next);
            }
        }
        return prev;
    }

    /** Deletes {@code key}; returns the version it had, or null if it was not live. */
    KeyValue delete(byte[] key) {
        Entry e = state.kv.entry(key);
        if (e == null || e.head().isTombstone()) {
            return null;
        }
        KeyValue prevHead = e.head();
        NodeMeta prevMeta = e.meta();
        int childrenLeft = metaOf(prevHead, prevMeta).numChildren();
        state.kv.delete(key, revision);
        if (state.snapshotPinned() && prevMeta != null) {
            state.kv.setMeta(key, prevMeta);
        }
        remember(key, prevHead, prevMeta, prevHead.lease(), 0);
        state.leases.reattach(prevHead.key(), prevHead.lease(), 0);
        events.add(new Event(Event.Type.DELETE, state.kv.entry(key).head(), prevHead));
        onNodeDeleted(prevHead.key(), childrenLeft);
        if (quotasTouched(key)) {
            state.quotas.deleted(state, prevHead, revision);
        }
        return prevHead;
    }

    /** Whether writing {@code key} changes quota usage; an undoable write first keeps what to restore. */
    private boolean quotasTouched(byte[] key) {
        if (!state.quotas.touchedBy(key)) {
            return false;
        }
        if (undoable && quotasBefore == null) {
            quotasBefore = state.quotas.checkpoint();
        }
        return true;
    }

    /** The root node's meta (it has no key), undone with the rest on a rollback. */
    void setRootMeta(NodeMeta meta) {
        remember(ROOT_MARKER, null, state.rootMeta, 0, 0);
        state.rootMeta = meta;
    }

    NodeMeta rootMeta() {
        return state.rootMeta;
    }

    /** Installs a ZooKeeper node's meta (create, setACL). */
    void setMeta(byte[] key, NodeMeta meta) {
        Entry e = state.kv.entry(key);
        remember(key, e.head(), e.meta(), e.head().lease(), e.head().lease());
        state.kv.setMeta(key, meta);
    }

    /** The meta of a live node, or the defaults of a key written through etcd. */
    NodeMeta metaOf(KeyValue kv, NodeMeta stored) {
        if (stored != null && stored.revision() >= kv.createRevision()) {
            return stored;
        }
        return defaultMeta(kv);
    }

    /**
     * The meta of a key no ZooKeeper create shaped: a plain persistent node. Its lease (an etcd
     * key's) is not an ephemeral owner: only ZooKeeper's ephemeral nodes have one, and a stored
     * copy of this meta, kept while a snapshot is pinned, must equal the derived one.
     */
    static NodeMeta defaultMeta(KeyValue kv) {
        return new NodeMeta(NodeKind.PERSISTENT, 0, 0, 0, kv.createRevision(), 0,
                Acl.OPEN_ACL_UNSAFE, 0, false, kv.createRevision(), null);
    }

    private void onNodeCreated(KeyValue created, NodeMeta prevMeta) {
        if (!ZkPaths.isNodeKey(created.key())) {
            return;
        }
        String path = new String(created.key(), StandardCharsets.UTF_8);
        int existing = ZkView.countChildrenWhileApplying(state, path, revision);
        boolean keepOld = state.snapshotPinned() && prevMeta != null;
        if (existing > 0 || keepOld) {
            NodeMeta own = defaultMeta(created);
            if (existing > 0) {
                own = new NodeMeta(own.kind(), own.ttlMs(), own.ephemeralOwner(), existing, own.pzxid(), 0,
                        own.acl(), existing, true, revision, null);
            }
            state.kv.setMeta(created.key(), keepHistory(own, prevMeta));
        } else {
            // A plain leaf: its meta is the default, derived on read, so it costs no memory.
            state.kv.setMeta(created.key(), null);
        }
        if (existing > 0) {
            // It was a virtual node: its parent already counted it.
            treeChange(ZkTreeChange.Kind.BECAME_REAL, path);
            return;
        }
        treeShapeChanged(path, true);
    }

    /** {@code childrenLeft}: the deleted node's own count, exact, so no search is needed to know it stays virtual. */
    private void onNodeDeleted(byte[] key, int childrenLeft) {
        if (!ZkPaths.isNodeKey(key)) {
            return;
        }
        String path = new String(key, StandardCharsets.UTF_8);
        if (childrenLeft > 0) {
            // Its children outlive it (only etcd deletes do this): it stays as a virtual node.
            state.virtualNodesPossible = true;
            treeChange(ZkTreeChange.Kind.BECAME_VIRTUAL, path);
            return;
        }
        treeShapeChanged(path, false);
    }

    /**
     * {@code path} came into the tree ({@code added}) or left it. Its parent gains or loses a
     * child. A parent without a key of its own is a virtual node: created with its first
     * descendant and gone with its last, which changes its own parent in turn, up to the first
     * real node (or the root), whose stored count, cversion and pzxid follow (not the pzxid for
     * a child ZooKeeper has from its start). While no virtual node is involved the walk stops at
     * the first parent, without a search.
     */
    private void treeShapeChanged(String path, boolean added) {
        String child = path;
        String parent = ZkPaths.parent(path);
        while (!parent.equals("/")) {
            byte[] pkey = parent.getBytes(StandardCharsets.UTF_8);
            Entry e = state.kv.entry(pkey);
            if (e != null && !e.head().isTombstone()) {
                countChild(pkey, e, countFor(child, added));
                return;
            }
            state.virtualNodesPossible = true;
            if (ZkView.hasNodeBelowOutside(state, parent, added ? ZkPaths.name(child) : null)) {
                return; // the virtual parent existed before (added) or still exists (removed)
            }
            treeChange(added ? ZkTreeChange.Kind.APPEARED : ZkTreeChange.Kind.VANISHED, parent);
            child = parent;
            parent = ZkPaths.parent(parent);
        }
        NodeMeta m = state.rootMeta;
        remember(ROOT_MARKER, null, m, 0, 0);
        NodeMeta keep = state.snapshotPinned() ? m : null;
        state.rootMeta = countFor(child, added).apply(m, revision, keep);
    }

    private static ChildCount countFor(String child, boolean added) {
        if (!added) {
            return NodeMeta::childRemoved;
        }
        return ZkPaths.existsFromStart(child) ? NodeMeta::childStored : NodeMeta::childAdded;
    }

    /** How a parent's meta follows a child coming or going: {@code keep} is the instance a snapshot still needs. */
    private interface ChildCount {
        NodeMeta apply(NodeMeta parent, long revision, NodeMeta keep);
    }

    private void countChild(byte[] pkey, Entry e, ChildCount count) {
        NodeMeta m = metaOf(e.head(), e.meta());
        remember(pkey, e.head(), e.meta(), e.head().lease(), e.head().lease());
        NodeMeta keep = state.snapshotPinned() ? e.meta() : null;
        state.kv.setMeta(pkey, count.apply(m, revision, keep));
    }

    /** Records a tree change caused by the event just added. */
    private void treeChange(ZkTreeChange.Kind kind, String path) {
        if (kind == ZkTreeChange.Kind.APPEARED || kind == ZkTreeChange.Kind.BECAME_VIRTUAL) {
            state.virtualNodes.add(path);
        }
        if (treeChanges.isEmpty()) {
            treeChanges = new ArrayList<>(2);
        }
        treeChanges.add(new ZkTreeChange(kind, path, events.size() - 1));
    }

    NodeMeta keepHistory(NodeMeta next, NodeMeta previous) {
        if (!state.snapshotPinned() || previous == null) {
            return next;
        }
        return new NodeMeta(next.kind(), next.ttlMs(), next.ephemeralOwner(), next.cversion(), next.pzxid(),
                next.aversion(), next.acl(), next.numChildren(), next.hadChildren(), next.revision(), previous);
    }

    private void remember(byte[] key, KeyValue head, NodeMeta meta, long leaseBefore, long leaseAfter) {
        if (undoable) {
            if (undo == null) {
                undo = new ArrayList<>();
            }
            undo.add(new Undo(key, head, meta, leaseBefore, leaseAfter));
        }
    }

    /** Undoes every write of this revision, newest first. */
    void rollback() {
        if (!undoable) {
            throw new IllegalStateException("rollback of a write that kept no undo log");
        }
        List<Undo> log = undo == null ? List.of() : undo;
        for (int i = log.size() - 1; i >= 0; i--) {
            Undo u = log.get(i);
            if (u.key() == ROOT_MARKER) {
                state.rootMeta = u.meta();
                continue;
            }
            KeyValue current = state.kv.entry(u.key()) == null ? null : state.kv.entry(u.key()).head();
            byte[] stored = current == null ? u.key() : current.key();
            state.leases.reattach(stored, u.leaseAfter(), u.leaseBefore());
            state.kv.reset(u.key(), u.head(), u.meta());
        }
        undo = null;
        events.clear();
        treeChanges = List.of();
        if (quotasBefore != null) {
            state.quotas.restore(quotasBefore);
            quotasBefore = null;
        }
    }
}
