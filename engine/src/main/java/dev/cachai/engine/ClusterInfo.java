package dev.cachai.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What protocol adapters may know of the cluster a node belongs to, and the membership changes
 * they may ask for: etcd's Cluster service, MoveLeader and Status leader; ZooKeeper's srvr mode,
 * /zookeeper/config and reconfig. Whether the node serves is {@link NodeHealth}. Per-node state,
 * safe from any thread.
 * Futures of changes fail with {@link GatewayException} carrying etcd's error.
 */
public interface ClusterInfo {
    /**
     * A member as the replicated membership records it.
     *
     * @param name       empty until the member has started and published it (as in etcd)
     * @param clientUrls empty until the member has published them
     * @param learner    a non-voting member (etcd learner, ZooKeeper observer)
     * @param zkServerId the N of ZooKeeper's {@code server.N}, 0 when none was assigned
     * @param zkClient   its ZooKeeper client address ({@code host:port}), empty until published
     */
    record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner,
                  int zkServerId, String zkClient) {
        public Member {
            peerUrls = List.copyOf(peerUrls);
            clientUrls = List.copyOf(clientUrls);
        }
    }

    /**
     * What a leader knows of the other members, as ZooKeeper's leader reports its learners.
     *
     * @param sinceMs   when this node became leader (epoch milliseconds)
     * @param connected the other members it currently hears from
     * @param synced    those of them that held every entry committed a tick earlier
     */
    record Leading(long sinceMs, Set<Long> connected, Set<Long> synced) {
        public Leading {
            connected = Set.copyOf(connected);
            synced = Set.copyOf(synced);
        }
    }

    /** MemberAdd's answer: the new member and every member after the change. */
    record MemberAdded(Member member, List<Member> members) {}

    long localId();

    /** Every member, learners included, this node included, in id order. */
    List<Member> members();

    /** Changes whenever the membership does (ZooKeeper's config version). */
    long configVersion();

    /** The leader this node follows (itself when it leads), or 0 while none is known. */
    long leaderId();

    /** The scheme of the members' peer URLs: "https" when they talk TLS to each other, else "http". */
    String peerUrlScheme();

    /** The leader's view of its peers, refreshed every tick; empty unless this node leads. */
    default Optional<Leading> leading() {
        return Optional.empty();
    }

    default boolean isLeader() {
        return leaderId() != 0 && leaderId() == localId();
    }

    /**
     * Adds a member known by its peer URLs. A voter ({@code learner} false) counts toward quorums
     * once it has caught up. {@code zkServerId} 0 lets the cluster pick one.
     */
    CompletableFuture<MemberAdded> addMember(List<String> peerUrls, boolean learner, int zkServerId, String zkClient);

    CompletableFuture<List<Member>> removeMember(long id);

    CompletableFuture<List<Member>> updateMember(long id, List<String> peerUrls);

    CompletableFuture<List<Member>> promoteMember(long id);

    /** Hands leadership to a voter; only the leader can (others fail with NOT_LEADER). */
    CompletableFuture<Void> moveLeader(long targetId);
}
