package dev.cachai.server.cluster;

/**
 * What the protocol adapters and tests need to know about the cluster: etcd's MemberList and
 * /health, ZooKeeper's ruok, isro, srvr mode and /zookeeper/config. Safe to call from any thread.
 */
public interface ClusterView {
    /** This node's id. */
    int localId();

    /** The membership this node has applied, with every member's record. */
    ClusterMembers members();

    /** The leader this node follows (itself when it leads), or 0 while no leader is known. */
    int leaderId();

    default boolean isLeader() {
        return leaderId() == localId();
    }

    /** The node can serve writes and linearizable reads: its loop runs and it knows a leader. */
    boolean healthy();
}
