package dev.cachai.engine;

import dev.cachai.engine.kv.KvStore;
import dev.cachai.engine.lease.LeaseTable;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.NodeMeta;

/**
 * The replicated state the appliers share. Scalar fields are volatile so readers on other
 * threads see a revision only once everything it wrote is in place.
 */
final class EngineState {
    final KvStore kv = new KvStore();
    final dev.cachai.engine.kv.RevisionIndex revisions = new dev.cachai.engine.kv.RevisionIndex();
    final LeaseTable leases = new LeaseTable();
    final ZkQuotas quotas = new ZkQuotas();
    volatile long revision = 1;
    /** -1 until the first compaction, as etcd's store starts: a compaction at revision 0 succeeds once. */
    volatile long compactRevision = -1;
    volatile NodeMeta rootMeta = NodeMeta.forNewNode(NodeKind.PERSISTENT, 0, 0, Acl.OPEN_ACL_UNSAFE, 0);
    /**
     * False while every live node key's ancestors are live keys too, so no path is a virtual
     * node (one that exists only through keys below it, written through etcd). Then a missing key
     * is simply no node, without looking for keys below it. Set once an etcd write breaks the
     * chain (a key under a missing parent, a parent deleted under its children); only a restore
     * recomputes it. It decides only how an answer is found, never the answer.
     */
    volatile boolean virtualNodesPossible;
    /** Which paths may be virtual nodes, for the apply thread (see {@link VirtualNodePaths}). */
    final VirtualNodePaths virtualNodes = new VirtualNodePaths();
    /** The lowest revision a running snapshot still reads; history at or above it is kept. */
    volatile long pinnedRevision = Long.MAX_VALUE;
    /** The compaction point when the snapshot was pinned: physical pruning stays at or below it. */
    volatile long pinnedCompactRevision = Long.MAX_VALUE;

    boolean snapshotPinned() {
        return pinnedRevision != Long.MAX_VALUE;
    }
}
