package dev.cachai.engine;

import java.util.List;

/**
 * What protocol adapters may know of the cluster a node belongs to: etcd's MemberList and Status
 * leader; ZooKeeper's srvr mode. Whether the node serves is {@link NodeHealth}. Per-node state,
 * safe from any thread.
 */
public interface ClusterInfo {
    /** A voting member; {@code clientUrls} may be empty for members whose client address is not known here. */
    record Member(long id, String name, List<String> peerUrls, List<String> clientUrls) {
        public Member {
            peerUrls = List.copyOf(peerUrls);
            clientUrls = List.copyOf(clientUrls);
        }
    }

    long localId();

    /** Every voting member, this node included, in id order. */
    List<Member> members();

    /** The leader this node follows (itself when it leads), or 0 while none is known. */
    long leaderId();

    default boolean isLeader() {
        return leaderId() != 0 && leaderId() == localId();
    }
}
