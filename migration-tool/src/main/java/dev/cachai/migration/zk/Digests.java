package dev.cachai.migration.zk;

import dev.cachai.migration.MigrationException;

import java.util.HashMap;
import java.util.Map;

/** Path → what verify compares, collected from one side. */
final class Digests implements NodeSink {
    /** Nodes held for one side of a comparison (about 100 bytes each). */
    static final int NODES_MAX = 20_000_000;

    record Entry(long digest, String shape, int cversion) {}

    private final Admission admission;
    private final Map<String, Entry> entries = new HashMap<>();

    /** With an admission, nodes are taken as the target should hold them; without, as they are. */
    Digests(Admission admission) {
        this.admission = admission;
    }

    @Override
    public synchronized void accept(ZkNode node) {
        ZkNode n = admission == null ? node : admission.admit(node);
        if (n == null) {
            return;
        }
        if (entries.size() >= NODES_MAX) {
            throw new MigrationException("more than " + NODES_MAX + " nodes to verify");
        }
        String shape = n.kind() + (n.kind() == NodeKind.TTL ? "(ttl " + n.ttlMs() + " ms)" : "") + ", "
                + n.data().length + " bytes, acl " + ZkNode.aclText(n.acl());
        entries.put(n.path(), new Entry(n.digest(), shape, n.cversion()));
    }

    synchronized Map<String, Entry> entries() {
        return entries;
    }
}
