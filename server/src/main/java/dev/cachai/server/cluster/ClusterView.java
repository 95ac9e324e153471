package dev.cachai.server.cluster;

import dev.cachai.server.config.ClusterMember;

import java.util.List;

/**
 * What the protocol adapters need to know about the cluster: etcd's MemberList and /health,
 * ZooKeeper's ruok, isro, srvr mode and /zookeeper/config. Safe to call from any thread.
 */
public interface ClusterView {
    /** This node's id. */
    int localId();

    /** Every voting member, this node included, in id order. */
    List<ClusterMember> members();

    /** The leader this node follows (itself when it leads), or 0 while no leader is known. */
    int leaderId();

    default boolean isLeader() {
        return leaderId() == localId();
    }

    /** The node can serve writes and linearizable reads: its loop runs and it knows a leader. */
    boolean healthy();
}
