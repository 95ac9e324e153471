package dev.cachai.engine.zk;

import java.util.List;

/**
 * The ZooKeeper fields of a node that have no etcd twin and change without a new key version
 * (a child create bumps the parent's cversion; setACL bumps aversion). As in ZooKeeper's
 * DataNode, {@code cversion} counts child creates only (it names sequential children); the
 * Stat a client sees reports {@link #clientCversion()}, which also counts deletes. Immutable: each change
 * installs a new instance. {@code older} links the previous instance only while a snapshot pins
 * an earlier revision, so a snapshot reads the meta as of its revision.
 */
public record NodeMeta(NodeKind kind, long ttlMs, long ephemeralOwner, int cversion, long pzxid,
                       int aversion, List<Acl> acl, int numChildren, boolean hadChildren,
                       long revision, NodeMeta older) {

    public static NodeMeta forNewNode(NodeKind kind, long ttlMs, long ephemeralOwner, List<Acl> acl, long revision) {
        return new NodeMeta(kind, ttlMs, ephemeralOwner, 0, revision, 0, acl, 0, false, revision, null);
    }

    public NodeMeta childAdded(long rev, NodeMeta keep) {
        return new NodeMeta(kind, ttlMs, ephemeralOwner, cversion + 1, rev, aversion, acl,
                numChildren + 1, true, rev, keep);
    }

    /**
     * A child ZooKeeper has from its start came into the store ({@link ZkPaths#existsFromStart}):
     * counted as every create is (the adapter takes built-in children off the counts it shows),
     * but not a change of children, so pzxid stays.
     */
    public NodeMeta childStored(long rev, NodeMeta keep) {
        return new NodeMeta(kind, ttlMs, ephemeralOwner, cversion + 1, pzxid, aversion, acl,
                numChildren + 1, true, rev, keep);
    }

    public NodeMeta childRemoved(long rev, NodeMeta keep) {
        return new NodeMeta(kind, ttlMs, ephemeralOwner, cversion, rev, aversion, acl,
                Math.max(0, numChildren - 1), hadChildren, rev, keep);
    }

    public NodeMeta aclSet(List<Acl> newAcl, long rev, NodeMeta keep) {
        return new NodeMeta(kind, ttlMs, ephemeralOwner, cversion, pzxid, aversion + 1, newAcl,
                numChildren, hadChildren, rev, keep);
    }

    /** ZooKeeper's v3 cversion: every create has a delete except for the children still present. */
    public int clientCversion() {
        return cversion * 2 - numChildren;
    }

    /** ephemeralOwner as clients see it: 0 for containers and TTL nodes (ZooKeeper hides their marks). */
    public long clientEphemeralOwner() {
        return kind == NodeKind.EPHEMERAL ? ephemeralOwner : 0;
    }

    /** Containers and TTL nodes: the kinds the leader may have to reap. */
    public boolean mayNeedReaping() {
        return kind == NodeKind.CONTAINER || kind == NodeKind.PERSISTENT_WITH_TTL;
    }

    /**
     * A childless container that once had children, or a childless TTL node unchanged for longer
     * than its TTL at {@code nowMs}: ZooKeeper's rules for removing them.
     */
    public boolean reapableAt(long nowMs, long mtimeMs, boolean childless) {
        boolean containerDone = kind == NodeKind.CONTAINER && cversion > 0;
        boolean ttlDone = kind == NodeKind.PERSISTENT_WITH_TTL && nowMs - mtimeMs > ttlMs;
        return childless && (containerDone || ttlDone);
    }

    /** The instance in force at {@code rev}, or null when the node had no meta yet. */
    public NodeMeta at(long rev) {
        NodeMeta m = this;
        while (m != null && m.revision > rev) {
            m = m.older;
        }
        return m;
    }
}
