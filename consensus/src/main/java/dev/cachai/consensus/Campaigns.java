package dev.cachai.consensus;

import dev.cachai.consensus.message.Message.PreVoteRequest;
import dev.cachai.consensus.message.Message.PreVoteResponse;
import dev.cachai.consensus.message.Message.Prepare;
import dev.cachai.consensus.message.Message.Promise;
import dev.cachai.consensus.message.Message.Reject;
import dev.cachai.consensus.message.Message.TimeoutNow;
import java.util.List;

/**
 * Elections: pre-vote, phase 1 (prepare/promise) for every open slot, and the acceptor's answers
 * to them. Winning hands over to a new {@link Leadership}.
 */
final class Campaigns {

    private final NodeCore node;
    /** The highest round heard of, so the next ballot beats every ballot seen, not just promised. */
    private long maxRoundSeen;
    private Election election;

    Campaigns(NodeCore node, long promisedRound) {
        this.node = node;
        this.maxRoundSeen = promisedRound;
    }

    void noteRound(long round) {
        maxRoundSeen = Math.max(maxRoundSeen, round);
    }

    void abandon() {
        election = null;
    }

    void campaign(boolean preVote, boolean transfer) {
        if (!node.membership.isVoter(node.id) || node.role == Role.LEADER && !transfer) {
            return;
        }
        if (!transfer && node.config.leaseReads() && (hearsLeader() || inLeaseAfterStart())) {
            // Promising our own ballot breaks our word to the leader as much as promising another's.
            // A timer never gets here (it fires after electionTicks); an explicit campaign() can.
            return;
        }
        node.resetElectionTimer();
        node.leaderId = NodeCore.NO_LEADER;
        long round = Math.max(node.promised.round(), maxRoundSeen) + 1;
        if (preVote) {
            node.role = Role.PRE_CANDIDATE;
            election = Election.preVote(round);
            election.preVotes.add(node.id);
            node.broadcastToVoters(to -> new PreVoteRequest(node.id, to, round, node.commitIndex));
            if (election.preVotes.size() >= node.membership.quorumSize()) {
                campaign(false, false);
            }
            return;
        }
        becomeCandidate(new Ballot(round, node.id), transfer);
    }

    private void becomeCandidate(Ballot ballot, boolean transfer) {
        node.dropLeadership();
        node.role = Role.CANDIDATE;
        node.promise(ballot);
        long fromIndex = node.commitIndex + 1;
        election = Election.phaseOne(ballot, fromIndex);
        election.recordPromise(node.id, node.commitIndex, node.log.acceptedFrom(fromIndex), true);
        node.broadcastToVoters(to -> new Prepare(node.id, to, ballot, fromIndex, node.commitIndex, transfer));
        if (election.promiseCount() >= node.membership.quorumSize()) {
            becomeLeader();
        }
    }

    void onPreVoteRequest(PreVoteRequest request) {
        boolean granted = !leaderSeemsAlive() && request.round() > node.promised.round()
                && request.commitIndex() >= node.commitIndex;
        node.send(new PreVoteResponse(node.id, request.from(), request.round(), granted, node.promised.round()));
    }

    /** While we hear from a leader (checkQuorum keeps leaders honest about that), refuse to replace it. */
    private boolean leaderSeemsAlive() {
        if (node.role == Role.LEADER) {
            return true;
        }
        boolean guarded = node.config.checkQuorum() || node.config.leaseReads();
        return guarded && hearsLeader() || inLeaseAfterStart();
    }

    private boolean hearsLeader() {
        return node.leaderId != NodeCore.NO_LEADER && node.leaderId != node.id
                && node.electionElapsedTicks < node.config.electionTicks();
    }

    /**
     * With lease reads, a restarted node does not know which leader it answered before the crash,
     * so it honours that lease too: no vote for the first {@code electionTicks} after a start.
     */
    private boolean inLeaseAfterStart() {
        return node.config.leaseReads() && node.startElapsedTicks < node.config.electionTicks();
    }

    /**
     * With lease reads the leader answers reads alone while followers keep their word: no promise
     * to another candidate within {@code electionTicks} of hearing the leader. A transfer's
     * campaign is exempt: the leader that asked for it gave up its lease first.
     */
    private boolean honoursLease(Prepare prepare) {
        return node.config.leaseReads() && !prepare.transfer() && (hearsLeader() || inLeaseAfterStart());
    }

    void onPreVoteResponse(PreVoteResponse response) {
        noteRound(response.promisedRound());
        if (node.role != Role.PRE_CANDIDATE || election.round != response.round()) {
            return;
        }
        if (response.granted() && node.membership.isVoter(response.from())) {
            election.preVotes.add(response.from());
            if (election.preVotes.size() >= node.membership.quorumSize()) {
                campaign(false, false);
            }
        }
    }

    void onPrepare(Prepare prepare) {
        Ballot ballot = prepare.ballot();
        noteRound(ballot.round());
        boolean repeat = ballot.equals(node.promised) && node.role == Role.FOLLOWER;
        if (!ballot.isAbove(node.promised) && !repeat || prepare.commitIndex() < node.commitIndex
                || !repeat && honoursLease(prepare)) {
            // A candidate behind our commit index would have to fetch chosen slots we may have
            // compacted, and, across membership changes, could count a stale quorum: refuse it.
            node.send(new Reject(node.id, prepare.from(), ballot, node.promised, node.commitIndex));
            return;
        }
        if (!repeat) {
            node.becomeFollower(NodeCore.NO_LEADER);
            node.promise(ballot);
        }
        node.electionElapsedTicks = 0;
        List<Entry> page = node.log.acceptedPage(prepare.fromIndex(), node.config.entriesPerAcceptMax(),
                node.config.acceptBytesMax());
        boolean complete = page.isEmpty() || page.get(page.size() - 1).index() >= node.log.lastIndex();
        node.send(new Promise(node.id, prepare.from(), ballot, node.commitIndex, page, complete));
    }

    void onPromise(Promise promise) {
        if (node.role != Role.CANDIDATE || !promise.ballot().equals(election.ballot)) {
            return;
        }
        if (!node.membership.isVoter(promise.from())) {
            return;
        }
        election.recordPromise(promise.from(), promise.commitIndex(), promise.accepted(), promise.complete());
        if (!promise.complete() && !promise.accepted().isEmpty()) {
            long nextPage = promise.accepted().get(promise.accepted().size() - 1).index() + 1;
            node.send(new Prepare(node.id, promise.from(), election.ballot, nextPage, node.commitIndex, false));
        }
        if (election.promiseCount() >= node.membership.quorumSize()) {
            becomeLeader();
        }
    }

    void onReject(Reject reject) {
        noteRound(reject.promised().round());
        boolean ours = reject.rejected().equals(node.promised)
                && (node.role == Role.CANDIDATE || node.role == Role.LEADER);
        if (!ours) {
            return;
        }
        // A refusal because we are behind does not end the campaign: the other voters may still
        // form a quorum, and the refuser may be unable to lead (a removed node, for one).
        if (reject.promised().isAbove(node.promised)) {
            node.becomeFollower(NodeCore.NO_LEADER);
        }
    }

    private void becomeLeader() {
        Election won = election;
        election = null;
        node.role = Role.LEADER;
        node.leaderId = node.id;
        node.leadership = new Leadership(node, won);
    }

    void onTimeoutNow(TimeoutNow timeoutNow) {
        boolean fromOurLeader = timeoutNow.ballot().equals(node.promised) && node.leaderId == timeoutNow.from();
        if (fromOurLeader && node.role == Role.FOLLOWER) {
            node.followCommit(timeoutNow.commitIndex());
            campaign(false, true);
        }
    }
}
