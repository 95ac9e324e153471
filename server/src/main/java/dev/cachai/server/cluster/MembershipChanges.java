package dev.cachai.server.cluster;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.Membership;
import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.Role;
import dev.cachai.consensus.SubmitResult;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.transport.PeerFrame;
import dev.cachai.server.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runtime membership on the loop thread: keeps the member records in force (and the transport
 * dialing every member), takes membership requests of this node's clients to the leader
 * (forwarding them when another node leads), carries them out when this node leads, has this
 * node publish its own name and addresses, promotes members added as voters once caught up,
 * and moves leadership on request.
 */
final class MembershipChanges implements MemberRules.LeaderView {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipChanges.class);
    /** Membership requests queued at the leader; they are rare and each waits for a chosen entry. */
    static final int REQUESTS_QUEUED_MAX = 64;
    /** How often the leader looks for members added as voters that have caught up, in ticks. */
    static final int PROMOTE_CHECK_EVERY_TICKS = 10;

    private final int selfId;
    private List<ClusterMember> initialCluster;
    private final PaxosNode paxos;
    private final ClusterLimits limits;
    private final Runnable removed;
    private final LeaderMemberQueue leaderQueue = new LeaderMemberQueue(REQUESTS_QUEUED_MAX);
    private final Waiters<ClusterMembers> forwarded = new Waiters<>();
    private final AtomicLong nextSeq;
    private PeerTransport transport;
    private volatile ClusterMembers members;
    private volatile MemberRecord advertised;
    private boolean publishing;
    private boolean wasMember;
    private final CompletableFuture<Void> added = new CompletableFuture<>();
    private int transferTarget;
    private CompletableFuture<Void> transferDone;
    private long transferDeadlineMs;

    MembershipChanges(int selfId, List<ClusterMember> initialCluster, PaxosNode paxos, ClusterLimits limits,
                      AtomicLong nextSeq, Runnable removed) {
        this.selfId = selfId;
        this.initialCluster = List.copyOf(initialCluster);
        this.paxos = paxos;
        this.limits = limits;
        this.nextSeq = nextSeq;
        this.removed = removed;
        this.members = ClusterMembers.of(paxos.membership(), paxos.membershipIndex(), initialCluster, peerScheme());
        this.wasMember = members.isMember(selfId);
    }

    void start(PeerTransport peerTransport) {
        this.transport = peerTransport;
        // Asked for a free peer port, this node knows its address only now; so does its record.
        HostPort bound = peerTransport.advertisedAddress();
        initialCluster = initialCluster.stream()
                .map(m -> m.id() == selfId && m.peer().port() == 0 ? new ClusterMember(m.name(), m.id(), bound) : m)
                .toList();
        members = ClusterMembers.of(paxos.membership(), paxos.membershipIndex(), initialCluster, peerScheme());
        follow();
    }

    /** Of the peer URLs built from {@code --initial-cluster} addresses: the transport's once it runs. */
    private String peerScheme() {
        PeerTransport t = transport;
        return t == null ? "http" : t.urlScheme();
    }

    ClusterMembers members() {
        return members;
    }

    /** What this node says about itself once its endpoints run; published to the cluster. */
    void advertise(MemberRecord self) {
        this.advertised = self;
    }

    // ---------------------------------------------------------------- following the membership

    /** Called after each applied entry and after a snapshot install. */
    void onApplied(Entry entry) {
        if (entry.kind() == EntryKind.MEMBERSHIP) {
            refresh();
        }
        leaderQueue.onApplied(entry, members);
    }

    /** Takes up the membership the consensus core has in force (after an entry or a snapshot). */
    void refresh() {
        Membership now = paxos.membership();
        if (now.equals(members.membership()) && paxos.membershipIndex() == members.version()) {
            return;
        }
        members = ClusterMembers.of(now, paxos.membershipIndex(), initialCluster, peerScheme());
        LOG.info("membership now voters={} learners={}", now.voters(), now.learners());
        follow();
    }

    private void follow() {
        if (transport != null) {
            transport.updatePeers(members.peerAddresses(selfId), members.isMember(selfId));
        }
        boolean member = members.isMember(selfId);
        if (wasMember && !member) {
            LOG.warn("this member was removed from the cluster; it stops serving");
            removed.run();
        }
        wasMember = wasMember || member;
        if (member) {
            added.complete(null);
        }
    }

    CompletableFuture<Void> added() {
        return added;
    }

    // ---------------------------------------------------------------- requests of this node's clients

    void submit(MemberRequest request, CompletableFuture<ClusterMembers> future) {
        long deadline = System.currentTimeMillis() + limits.requestTimeoutMs();
        if (paxos.role() == Role.LEADER) {
            leaderQueue.add(request, (error, m) -> finish(future, error, m), deadline);
            return;
        }
        int leader = paxos.leaderId();
        long seq = nextSeq.incrementAndGet();
        if (leader == 0) {
            future.completeExceptionally(new GatewayException(EtcdError.NO_LEADER));
            return;
        }
        forwarded.add(seq, future, deadline);
        if (!transport.send(leader, new PeerFrame.MemberChange(seq, request.encode()))) {
            forwarded.fail(seq, EtcdError.NO_LEADER);
        }
    }

    private static void finish(CompletableFuture<ClusterMembers> future, EtcdError error, ClusterMembers m) {
        if (error != null) {
            future.completeExceptionally(new GatewayException(error));
        } else {
            future.complete(m);
        }
    }

    /** A malformed frame from a peer is dropped (its sender times out), never fatal to this node. */
    void onFrame(int from, PeerFrame frame) {
        try {
            handleFrame(from, frame);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException
                 | dev.cachai.consensus.ConsensusInvariantError e) {
            LOG.warn("dropping a malformed membership frame from node {}: {}", from, e.toString());
        }
    }

    private void handleFrame(int from, PeerFrame frame) {
        if (frame instanceof PeerFrame.MemberChange change) {
            MemberRequest request = MemberRequest.decode(change.request());
            if (paxos.role() != Role.LEADER) {
                answer(from, change.seq(), EtcdError.LEADER_CHANGED, null);
                return;
            }
            leaderQueue.add(request, (error, m) -> answer(from, change.seq(), error, m),
                    System.currentTimeMillis() + limits.requestTimeoutMs());
        } else if (frame instanceof PeerFrame.MemberChangeDone done) {
            if (!done.error().isEmpty()) {
                forwarded.fail(done.seq(), EtcdError.valueOf(done.error()));
            } else {
                forwarded.complete(done.seq(), ClusterMembers.of(Membership.decode(done.membership()),
                        done.version(), initialCluster, peerScheme()));
            }
        }
    }

    private void answer(int to, long seq, EtcdError error, ClusterMembers m) {
        ClusterMembers shown = m == null ? members : m;
        transport.send(to, new PeerFrame.MemberChangeDone(seq, error == null ? "" : error.name(),
                shown.membership().encode(), shown.version()));
    }

    // ---------------------------------------------------------------- leader transfer (etcd MoveLeader)

    void moveLeader(int target, CompletableFuture<Void> future) {
        if (paxos.role() != Role.LEADER) {
            future.completeExceptionally(new GatewayException(EtcdError.NOT_LEADER));
            return;
        }
        if (!members.isMember(target) || members.shownAsLearner(target)) {
            future.completeExceptionally(new GatewayException(EtcdError.BAD_LEADER_TRANSFEREE));
            return;
        }
        if (target == selfId) {
            future.complete(null);
            return;
        }
        SubmitResult result = paxos.transferLeadership(target);
        if (!(result instanceof SubmitResult.Pending)) {
            LOG.info("leader transfer to {} refused: {}", target, result);
            future.completeExceptionally(new GatewayException(EtcdError.BAD_LEADER_TRANSFEREE));
            return;
        }
        if (transferDone != null) {
            transferDone.completeExceptionally(new GatewayException(EtcdError.TIMEOUT_LEADER_TRANSFER));
        }
        transferTarget = target;
        transferDone = future;
        transferDeadlineMs = System.currentTimeMillis() + limits.requestTimeoutMs();
    }

    private void followTransfer(long nowMs) {
        if (transferDone == null) {
            return;
        }
        if (paxos.leaderId() == transferTarget) {
            transferDone.complete(null);
            transferDone = null;
        } else if (nowMs >= transferDeadlineMs) {
            transferDone.completeExceptionally(new GatewayException(EtcdError.TIMEOUT_LEADER_TRANSFER));
            transferDone = null;
        }
    }

    // ---------------------------------------------------------------- every loop round and tick

    /** After each batch of events: the leader proposes the next queued change. */
    void pump() {
        if (paxos.role() == Role.LEADER && !leaderQueue.isEmpty()) {
            leaderQueue.pump(paxos, () -> members, this);
        }
        followTransfer(System.currentTimeMillis());
    }

    void onLeadershipLost() {
        leaderQueue.failAll(EtcdError.LEADER_CHANGED);
    }

    void onTick(long tickCount) {
        long now = System.currentTimeMillis();
        forwarded.expire(now);
        leaderQueue.expire(now);
        maybePublish();
        if (tickCount % PROMOTE_CHECK_EVERY_TICKS == 0) {
            maybePromoteCaughtUp();
        }
    }

    /** etcd members publish their name and client URLs once started; so do ours, until recorded. */
    private void maybePublish() {
        MemberRecord self = advertised;
        if (self == null || publishing || paxos.leaderId() == 0 || !members.isMember(selfId)) {
            return;
        }
        MemberRecord recorded = members.record(selfId);
        MemberRecord wanted = recorded.publishedBy(self);
        boolean zkIdMissing = wanted.zkServerId() == 0;
        if (wanted.equals(recorded) && !zkIdMissing && !members.membership().metadataOf(selfId).isEmpty()) {
            return;
        }
        publishing = true;
        CompletableFuture<ClusterMembers> f = new CompletableFuture<>();
        f.whenComplete((m, e) -> publishing = false);
        submit(new MemberRequest(MemberRequest.Kind.PUBLISH, selfId, self), f);
    }

    /** A member added as a voter votes once it holds (nearly) the whole log. */
    private void maybePromoteCaughtUp() {
        if (paxos.role() != Role.LEADER || !leaderQueue.isEmpty()) {
            return;
        }
        for (int learner : members.membership().learners()) {
            if (members.record(learner).promoteWhenCaughtUp() && caughtUp(learner)) {
                LOG.info("member {} caught up; it now votes", learner);
                leaderQueue.add(MemberRequest.of(MemberRequest.Kind.PROMOTE_CAUGHT_UP, learner),
                        (error, m) -> { }, System.currentTimeMillis() + limits.requestTimeoutMs());
                return;
            }
        }
    }

    private boolean caughtUp(int id) {
        long match = paxos.matchIndexOf(id);
        return match > 0 && match >= paxos.commitIndex();
    }

    void failAll(EtcdError error) {
        forwarded.failAll(error);
        leaderQueue.failAll(error);
        if (transferDone != null) {
            transferDone.completeExceptionally(new GatewayException(error));
            transferDone = null;
        }
    }

    // ---------------------------------------------------------------- LeaderView

    @Override
    public int selfId() {
        return selfId;
    }

    @Override
    public long matchIndexOf(int id) {
        return paxos.matchIndexOf(id);
    }

    @Override
    public boolean connected(int id) {
        return transport != null && transport.connectedTo(id);
    }
}
