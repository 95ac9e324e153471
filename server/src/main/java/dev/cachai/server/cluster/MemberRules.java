package dev.cachai.server.cluster;

import dev.cachai.consensus.MembershipChange;
import dev.cachai.engine.EtcdError;

import java.util.List;

/**
 * etcd's checks on a membership change, made by the leader against the membership in force
 * (etcd's strict reconfiguration checks and its configuration-change validation), and the
 * consensus change a request becomes. Pure: the leader's view comes in as {@link LeaderView}.
 */
final class MemberRules {
    /** etcd promotes a learner whose log reaches 90% of the leader's. */
    static final double LEARNER_READY_FRACTION = 0.9;
    /** etcd 3.5 allows one learner at a time. */
    static final int LEARNERS_MAX = 1;

    /** What only the leader knows: replication progress and which peers it hears. */
    interface LeaderView {
        int selfId();

        /** How far a member holds the log, -1 when unknown. */
        long matchIndexOf(int id);

        boolean connected(int id);
    }

    /** Either an error for the client, a change to propose, or nothing to do. */
    record Decision(EtcdError error, MembershipChange change) {
        static Decision refuse(EtcdError error) {
            return new Decision(error, null);
        }

        static Decision propose(MembershipChange change) {
            return new Decision(null, change);
        }

        static final Decision NOTHING = new Decision(null, null);
    }

    private MemberRules() {}

    static Decision decide(MemberRequest request, ClusterMembers members, LeaderView leader) {
        switch (request.kind()) {
            case ADD_LEARNER:
            case ADD_VOTER:
                return add(request, members, leader);
            case REMOVE:
                return remove(request.nodeId(), members, leader);
            case PROMOTE:
                return promote(request.nodeId(), members, leader);
            case UPDATE_PEERS:
                return updatePeers(request, members);
            case PROMOTE_CAUGHT_UP:
                return members.membership().learners().contains(request.nodeId())
                        ? Decision.propose(new MembershipChange.PromoteLearner(request.nodeId())) : Decision.NOTHING;
            default:
                return publish(request, members);
        }
    }

    private static Decision add(MemberRequest request, ClusterMembers members, LeaderView leader) {
        boolean learner = request.kind() == MemberRequest.Kind.ADD_LEARNER;
        if (!learner && !readyToAddVoter(members, leader)) {
            return Decision.refuse(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
        }
        if (!learner && !allVotersConnected(members, leader)) {
            return Decision.refuse(EtcdError.UNHEALTHY);
        }
        if (members.isMember(request.nodeId())) {
            return Decision.refuse(EtcdError.MEMBER_EXIST);
        }
        if (members.holderOfPeerUrl(request.record().peerUrls()).isPresent()) {
            return Decision.refuse(EtcdError.PEER_URL_EXIST);
        }
        long learners = members.membership().learners().stream().filter(members::shownAsLearner).count();
        if (learner && learners + 1 > LEARNERS_MAX) {
            return Decision.refuse(EtcdError.TOO_MANY_LEARNERS);
        }
        MemberRecord record = request.record();
        if (record.zkServerId() != 0 && members.holderOfZkServerId(record.zkServerId()).isPresent()) {
            return Decision.refuse(EtcdError.MEMBER_EXIST);
        }
        if (record.zkServerId() == 0) {
            record = record.withZkServerId(members.freeZkServerId());
        }
        MemberRecord added = new MemberRecord(record.name(), record.peerUrls(), record.clientUrls(),
                record.zkServerId(), record.zkClient(), !learner);
        return Decision.propose(new MembershipChange.AddLearner(request.nodeId(), added.encode()));
    }

    /** etcd: the started voters must still form a quorum once the new, not yet started, voter counts. */
    private static boolean readyToAddVoter(ClusterMembers members, LeaderView leader) {
        List<Integer> voting = members.votingMembers();
        int started = startedAmong(voting, members, leader);
        int afterAdd = voting.size() + 1;
        if (started == 1 && afterAdd == 2) {
            return true; // etcd lets a single member grow to two, to restore a cluster from one member
        }
        return started >= afterAdd / 2 + 1;
    }

    private static boolean allVotersConnected(ClusterMembers members, LeaderView leader) {
        for (int id : members.votingMembers()) {
            if (id != leader.selfId() && !leader.connected(id)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Members that have published themselves, and the leader deciding, which runs whether or not
     * its own publication has been applied yet (etcd serves no client before it has published).
     */
    private static int startedAmong(List<Integer> ids, ClusterMembers members, LeaderView leader) {
        int started = 0;
        for (int id : ids) {
            if (members.started(id) || id == leader.selfId()) {
                started++;
            }
        }
        return started;
    }

    /**
     * As etcd: unless the member is a learner, the voting members left (all of them, for an id
     * that is no member) must have a started quorum, checked before whether the id exists.
     */
    private static Decision remove(int id, ClusterMembers members, LeaderView leader) {
        boolean member = members.isMember(id);
        if (member && members.shownAsLearner(id)) {
            return Decision.propose(new MembershipChange.Remove(id));
        }
        List<Integer> rest = members.votingMembers().stream().filter(v -> v != id).toList();
        if (startedAmong(rest, members, leader) < rest.size() / 2 + 1) {
            return Decision.refuse(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
        }
        if (!member) {
            return Decision.refuse(EtcdError.MEMBER_NOT_FOUND);
        }
        if (id == leader.selfId() || leader.connected(id)) {
            // Removing a member we hear from: those left that we hear from must still be a quorum.
            long active = 1 + rest.stream().filter(v -> v != leader.selfId() && leader.connected(v)).count();
            if (active < rest.size() / 2 + 1) {
                return Decision.refuse(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
            }
        }
        return Decision.propose(new MembershipChange.Remove(id));
    }

    private static Decision promote(int id, ClusterMembers members, LeaderView leader) {
        long match = leader.matchIndexOf(id);
        if (!members.isMember(id) || match < 0) {
            return Decision.refuse(EtcdError.MEMBER_NOT_FOUND);
        }
        if (match == 0 || match < leader.matchIndexOf(leader.selfId()) * LEARNER_READY_FRACTION) {
            return Decision.refuse(EtcdError.LEARNER_NOT_READY);
        }
        if (!members.shownAsLearner(id)) {
            return Decision.refuse(EtcdError.MEMBER_NOT_LEARNER);
        }
        return Decision.propose(new MembershipChange.PromoteLearner(id));
    }

    private static Decision updatePeers(MemberRequest request, ClusterMembers members) {
        int id = request.nodeId();
        if (!members.isMember(id)) {
            return Decision.refuse(EtcdError.MEMBER_NOT_FOUND);
        }
        List<String> urls = request.record().peerUrls();
        if (members.holderOfPeerUrl(urls).filter(holder -> holder != id).isPresent()) {
            return Decision.refuse(EtcdError.PEER_URL_EXIST);
        }
        MemberRecord current = members.record(id);
        return Decision.propose(new MembershipChange.UpdateMetadata(id, current.withPeerUrls(urls).encode()));
    }

    private static Decision publish(MemberRequest request, ClusterMembers members) {
        int id = request.nodeId();
        if (!members.isMember(id)) {
            return Decision.refuse(EtcdError.MEMBER_NOT_FOUND);
        }
        MemberRecord current = members.record(id);
        MemberRecord published = current.publishedBy(request.record());
        if (published.zkServerId() == 0 || members.holderOfZkServerId(published.zkServerId())
                .filter(holder -> holder != id).isPresent()) {
            published = published.withZkServerId(members.freeZkServerId());
        }
        String metadata = members.membership().metadataOf(id);
        return metadata.equals(published.encode()) ? Decision.NOTHING
                : Decision.propose(new MembershipChange.UpdateMetadata(id, published.encode()));
    }
}
