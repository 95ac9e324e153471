package dev.cachai.server.cluster;

import dev.cachai.consensus.Membership;
import dev.cachai.engine.ClusterInfo;
import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.config.HostPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The membership in force on this node with every member's record: from the consensus
 * membership's metadata, or, for a member of the initial cluster that has not been recorded
 * yet, from {@code --initial-cluster}. Immutable; the driver replaces it when a change is applied.
 *
 * @param version changes with every applied membership (ZooKeeper's config version)
 */
public record ClusterMembers(Membership membership, long version, Map<Integer, MemberRecord> records) {

    public ClusterMembers {
        records = Map.copyOf(records);
    }

    static ClusterMembers of(Membership membership, long version, List<ClusterMember> initialCluster,
                             String peerScheme) {
        Map<Integer, MemberRecord> records = new TreeMap<>();
        Map<Integer, MemberRecord> initial = initialRecords(initialCluster, peerScheme);
        for (int id : membership.members()) {
            MemberRecord recorded = MemberRecord.decode(membership.metadataOf(id));
            records.put(id, recorded.peerUrls().isEmpty() ? initial.getOrDefault(id, recorded) : recorded);
        }
        return new ClusterMembers(membership, version, records);
    }

    /**
     * What the initial cluster list says: a name and a peer URL; ZooKeeper ids follow the names'
     * sorted order (1-based), so every member of a new cluster computes the same ones.
     */
    static Map<Integer, MemberRecord> initialRecords(List<ClusterMember> initialCluster, String peerScheme) {
        List<ClusterMember> sorted = new ArrayList<>(initialCluster);
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        Map<Integer, MemberRecord> out = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            ClusterMember m = sorted.get(i);
            int zkId = i + 1 <= MemberRecord.ZK_SERVER_ID_MAX ? i + 1 : 0;
            // Port 0 asks for a free port: the member publishes the one it got.
            List<String> peerUrls = m.peer().port() == 0 ? List.of() : List.of(peerUrl(peerScheme, m.peer()));
            out.put(m.id(), new MemberRecord(m.name(), peerUrls, List.of(), zkId, "", false));
        }
        return out;
    }

    static String peerUrl(String scheme, HostPort peer) {
        return scheme + "://" + peer;
    }

    public MemberRecord record(int id) {
        return records.getOrDefault(id, MemberRecord.UNKNOWN);
    }

    /** etcd's "started": the member has published its name (the initial list does not count). */
    public boolean started(int id) {
        return MemberRecord.decode(membership.metadataOf(id)).started();
    }

    public boolean isMember(int id) {
        return membership.isMember(id);
    }

    /** A learner as clients see it: a voter being caught up before it votes is shown as a voter. */
    public boolean shownAsLearner(int id) {
        return membership.learners().contains(id) && !record(id).promoteWhenCaughtUp();
    }

    /** Voters plus members added as voters that are still catching up: etcd's voting members. */
    public List<Integer> votingMembers() {
        List<Integer> out = new ArrayList<>();
        for (int id : membership.members()) {
            if (!shownAsLearner(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** Where to dial every other member that has a peer URL. */
    public Map<Integer, HostPort> peerAddresses(int selfId) {
        Map<Integer, HostPort> out = new HashMap<>();
        for (Map.Entry<Integer, MemberRecord> e : records.entrySet()) {
            if (e.getKey() != selfId && !e.getValue().peerUrls().isEmpty()) {
                out.put(e.getKey(), HostPort.parse(e.getValue().peerUrls().get(0)));
            }
        }
        return out;
    }

    /** The member holding one of these peer URLs, if any. */
    public Optional<Integer> holderOfPeerUrl(List<String> urls) {
        for (Map.Entry<Integer, MemberRecord> e : records.entrySet()) {
            for (String url : urls) {
                if (e.getValue().peerUrls().contains(url)) {
                    return Optional.of(e.getKey());
                }
            }
        }
        return Optional.empty();
    }

    public Optional<Integer> holderOfZkServerId(int zkServerId) {
        for (Map.Entry<Integer, MemberRecord> e : records.entrySet()) {
            if (e.getValue().zkServerId() == zkServerId) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The smallest ZooKeeper server id no member holds, or 0 when all are taken. */
    public int freeZkServerId() {
        for (int candidate = 1; candidate <= MemberRecord.ZK_SERVER_ID_MAX; candidate++) {
            if (holderOfZkServerId(candidate).isEmpty()) {
                return candidate;
            }
        }
        return 0;
    }

    /** Every member in id order, as the adapters show them. */
    public List<ClusterInfo.Member> asInfo() {
        List<ClusterInfo.Member> out = new ArrayList<>();
        for (int id : membership.members()) {
            out.add(info(id));
        }
        return out;
    }

    public ClusterInfo.Member info(int id) {
        MemberRecord r = record(id);
        return new ClusterInfo.Member(id, r.name(), r.peerUrls(), r.clientUrls(), shownAsLearner(id),
                r.zkServerId(), r.zkClient());
    }
}
