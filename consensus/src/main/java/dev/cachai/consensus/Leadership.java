package dev.cachai.consensus;

import dev.cachai.consensus.message.Message.Accept;
import dev.cachai.consensus.message.Message.Accepted;
import dev.cachai.consensus.message.Message.Heartbeat;
import dev.cachai.consensus.message.Message.HeartbeatAck;
import dev.cachai.consensus.message.Message.InstallSnapshot;
import dev.cachai.consensus.message.Message.InstallSnapshotAck;
import dev.cachai.consensus.message.Message.ReadIndexResponse;
import dev.cachai.consensus.message.Message.TimeoutNow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a node does while it leads one ballot: phase 2 for every slot from its first unchosen
 * one, heartbeats, read-index confirmation, leader transfer and membership changes.
 */
final class Leadership {

    private final NodeCore node;
    private final Ballot ballot;
    /** The no-op that opens this leadership; reads wait until it is chosen. */
    private final long firstOwnIndex;
    private final Map<Integer, Progress> progress = new HashMap<>();
    private final Deque<PendingRead> readsAwaitingStart = new ArrayDeque<>();
    private final Deque<PendingRead> readsAwaitingQuorum = new ArrayDeque<>();
    /** The last heartbeat round sent; followers echo it, read confirmations and the lease count it. */
    private long readSeq;
    private boolean readHeartbeatDue;
    /** Null without lease reads. */
    private final ReadLease lease;
    /** A leadership that started a transfer never trusts its lease again: the target campaigns at once. */
    private boolean leaseForfeited;
    /**
     * The last of our own slots durable on our disk (they are contiguous from our first one).
     * Our vote counts toward a quorum only up to here: a leader that crashed before its sync
     * would otherwise have counted a copy it no longer has.
     */
    private long selfAcceptedIndex;
    /** The commit index last sent to followers in a heartbeat. */
    private long commitAnnounced;
    private int heartbeatElapsedTicks;
    private int quorumCheckElapsedTicks;
    private int transferTargetId = NodeCore.NO_LEADER;
    private int transferElapsedTicks;
    private boolean timeoutNowSent;
    private long pendingMembershipIndex;

    Leadership(NodeCore node, Election won) {
        this.node = node;
        this.ballot = won.ballot;
        this.selfAcceptedIndex = won.fromIndex - 1;
        this.lease = node.config.leaseReads() ? new ReadLease(node.config.leaseTicks()) : null;
        this.firstOwnIndex = reproposeOpenSlots(won);
        for (int member : node.membership.members()) {
            if (member != node.id) {
                long known = won.promisedCommitIndexes.getOrDefault(member, node.commitIndex);
                progress.put(member, new Progress(0, Math.min(known, node.commitIndex) + 1));
            }
        }
        heartbeatElapsedTicks = node.config.heartbeatTicks();
        maybeCommit();
    }

    /** Phase 2 for every open slot: the highest-ballot value promised, else a no-op; then our own no-op. */
    private long reproposeOpenSlots(Election won) {
        Map<Long, Entry> values = won.valuesToPropose();
        long lastOpen = values.keySet().stream().mapToLong(Long::longValue).max().orElse(won.fromIndex - 1);
        for (long index = won.fromIndex; index <= lastOpen; index++) {
            Entry value = values.get(index);
            Entry proposal = value == null ? Entry.noop(index, ballot) : value.withBallot(ballot);
            node.persist(proposal);
            if (proposal.kind() == EntryKind.MEMBERSHIP) {
                pendingMembershipIndex = index;
            }
        }
        long start = Math.max(lastOpen, node.log.lastIndex()) + 1;
        node.persist(Entry.noop(start, ballot));
        return start;
    }

    // ---------------------------------------------------------------- client requests

    SubmitResult propose(EntryKind kind, byte[] data) {
        if (transferTargetId != NodeCore.NO_LEADER) {
            return new SubmitResult.Rejected("leader transfer in progress");
        }
        if (data.length > node.config.entryBytesMax()) {
            return new SubmitResult.Rejected("command larger than entryBytesMax");
        }
        if (node.log.lastIndex() - node.commitIndex >= node.config.proposalsUncommittedMax()) {
            return new SubmitResult.Rejected("proposalsUncommittedMax reached");
        }
        long index = node.log.lastIndex() + 1;
        node.persist(new Entry(index, ballot, kind, data));
        maybeCommit();
        return new SubmitResult.Accepted(index, ballot);
    }

    SubmitResult read(byte[] context, int origin) {
        if (readsAwaitingStart.size() + readsAwaitingQuorum.size() >= node.config.readsPendingMax()) {
            return new SubmitResult.Rejected("readsPendingMax reached");
        }
        PendingRead read = new PendingRead(context, origin, 0, 0);
        if (node.commitIndex < firstOwnIndex) {
            readsAwaitingStart.add(read);
        } else {
            serveOrConfirm(read);
        }
        return new SubmitResult.Pending();
    }

    /** Our commit index is a read point once no other leader can exist: by lease, or by asking. */
    private void serveOrConfirm(PendingRead read) {
        if (leaseHeld()) {
            release(read.context(), read.origin(), node.commitIndex);
            return;
        }
        // The answers must be to a heartbeat sent after the read arrived: the next round.
        readsAwaitingQuorum.add(new PendingRead(read.context(), read.origin(), node.commitIndex, readSeq + 1));
        readHeartbeatDue = true;
        confirmReads();
    }

    private boolean leaseHeld() {
        return lease != null && !leaseForfeited && lease.heldAfter(roundAnsweredByQuorum());
    }

    /** The newest heartbeat round that a quorum of voters (we count as having answered all) answered. */
    private long roundAnsweredByQuorum() {
        List<Long> answered = new ArrayList<>();
        for (int voter : node.membership.voters()) {
            Progress peer = progress.get(voter);
            answered.add(voter == node.id ? readSeq : peer == null ? 0 : peer.readSeqAcked);
        }
        answered.sort(java.util.Comparator.reverseOrder());
        return answered.get(node.membership.quorumSize() - 1);
    }

    SubmitResult transferTo(int targetId) {
        if (targetId == node.id) {
            return new SubmitResult.Rejected("already leader");
        }
        if (!node.membership.isVoter(targetId)) {
            return new SubmitResult.Rejected("transfer target " + targetId + " is not a voter");
        }
        transferTargetId = targetId;
        leaseForfeited = true;
        transferElapsedTicks = 0;
        timeoutNowSent = false;
        maybeSendTimeoutNow();
        return new SubmitResult.Pending();
    }

    SubmitResult changeMembership(MembershipChange change) {
        if (pendingMembershipIndex > 0 || !previousChangeKnownToQuorum()) {
            return new SubmitResult.Rejected("a membership change is still in progress");
        }
        String refusal = refusal(change);
        if (refusal != null) {
            return new SubmitResult.Rejected(refusal);
        }
        SubmitResult result = propose(EntryKind.MEMBERSHIP, node.membership.apply(change).encode());
        if (result instanceof SubmitResult.Accepted accepted && accepted.index() > node.commitIndex) {
            // A single voter chooses the change inside propose(); only a change still open is pending.
            pendingMembershipIndex = accepted.index();
        }
        return result;
    }

    private String refusal(MembershipChange change) {
        Membership current = node.membership;
        int target = change.nodeId();
        String metadataRefusal = metadataRefusal(change);
        if (metadataRefusal != null) {
            return metadataRefusal;
        }
        if (change instanceof MembershipChange.AddLearner) {
            if (current.members().size() >= Membership.MEMBERS_MAX) {
                return "too many members";
            }
            return current.isMember(target) ? "already a member" : null;
        }
        if (change instanceof MembershipChange.PromoteLearner) {
            Progress learner = progress.get(target);
            if (!current.learners().contains(target) || learner == null) {
                return "not a learner";
            }
            boolean lagging = node.log.lastIndex() - learner.matchIndex > node.config.learnerLagEntriesMax();
            return lagging ? "learner has not caught up" : null;
        }
        if (!current.isMember(target)) {
            return "not a member";
        }
        if (change instanceof MembershipChange.UpdateMetadata) {
            return null;
        }
        return current.voters().equals(java.util.Set.of(target)) ? "cannot remove the last voter" : null;
    }

    private static String metadataRefusal(MembershipChange change) {
        String metadata = "";
        if (change instanceof MembershipChange.AddLearner add) {
            metadata = add.metadata();
        } else if (change instanceof MembershipChange.UpdateMetadata update) {
            metadata = update.metadata();
        }
        boolean tooLarge = metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Membership.METADATA_BYTES_MAX;
        return tooLarge ? "member metadata above " + Membership.METADATA_BYTES_MAX + " bytes" : null;
    }

    /** Whether a member answered within the last election timeout; the leader always hears itself. */
    boolean heardWithinElectionTimeout(int peerId) {
        if (peerId == node.id) {
            return true;
        }
        Progress peer = progress.get(peerId);
        return peer != null && peer.ticksSinceHeard < node.config.electionTicks();
    }

    /** How far a peer is known to hold the log, or -1 for a node that is not a member. */
    long matchIndexOf(int peerId) {
        if (peerId == node.id) {
            return node.log.lastIndex();
        }
        Progress peer = progress.get(peerId);
        return peer == null ? -1 : peer.matchIndex;
    }

    /**
     * A stale candidate that missed the last change would count quorums of an older membership;
     * waiting until a quorum knows the change is chosen makes it lose against their commit index.
     */
    private boolean previousChangeKnownToQuorum() {
        long lastChange = node.membershipIndex();
        int knowing = node.membership.isVoter(node.id) ? 1 : 0;
        for (int voter : node.membership.voters()) {
            Progress peer = progress.get(voter);
            if (peer != null && peer.commitIndex >= lastChange) {
                knowing++;
            }
        }
        return knowing >= node.membership.quorumSize();
    }

    void onMembershipChosen(long index) {
        if (index >= pendingMembershipIndex) {
            pendingMembershipIndex = 0;
        }
        Membership membership = node.membership;
        progress.keySet().removeIf(member -> !membership.isMember(member));
        for (int member : membership.members()) {
            if (member != node.id && !progress.containsKey(member)) {
                progress.put(member, new Progress(0, node.commitIndex + 1));
            }
        }
    }

    // ---------------------------------------------------------------- replication

    /** Sends what the windows allow; called once per Ready so proposals made meanwhile batch. */
    void flush() {
        for (Map.Entry<Integer, Progress> peer : progress.entrySet()) {
            sendAccepts(peer.getKey(), peer.getValue());
        }
        // A new commit index goes out at once rather than with the next Accept or heartbeat tick:
        // followers apply sooner, and a write forwarded through a follower is answered sooner.
        if (readHeartbeatDue || node.commitIndex > commitAnnounced) {
            broadcastHeartbeat();
        }
    }

    private void sendAccepts(int peerId, Progress peer) {
        while (peer.snapshot == null && peer.acceptsInflight < node.config.acceptsInflightMax()
                && peer.nextIndex <= node.log.lastIndex()) {
            if (peer.nextIndex < node.log.firstInMemory()) {
                startSnapshotOrAskForOne(peerId, peer);
                return;
            }
            List<Entry> run = node.log.run(peer.nextIndex, node.config.entriesPerAcceptMax(),
                    node.config.acceptBytesMax());
            Invariants.check(!run.isEmpty(), "hole in the leader's log at slot %d", peer.nextIndex);
            List<Entry> stamped = new ArrayList<>(run.size());
            for (Entry entry : run) {
                // Slots below our first open one hold chosen values; re-stamping them with our
                // ballot proposes the chosen value again, which Paxos allows.
                stamped.add(entry.ballot().equals(ballot) ? entry : entry.withBallot(ballot));
            }
            node.send(new Accept(node.id, peerId, ballot, node.commitIndex, stamped));
            peer.nextIndex += stamped.size();
            peer.acceptsInflight++;
        }
    }

    void onAccepted(Accepted accepted) {
        Progress peer = progress.get(accepted.from());
        if (peer == null) {
            return;
        }
        peer.heard();
        peer.acceptsInflight = Math.max(0, peer.acceptsInflight - 1);
        peer.commitIndex = Math.max(peer.commitIndex, accepted.commitIndex());
        peer.advanceMatch(accepted.matchIndex());
        boolean holeBeforeThisBatch = accepted.lastIndex() > peer.matchIndex;
        if (holeBeforeThisBatch || peer.acceptsInflight == 0 && peer.nextIndex > peer.matchIndex + 1) {
            // The follower holds a later batch but misses slots before it: an earlier Accept was
            // lost (or is late; resending it then costs a duplicate, never safety).
            peer.rewind();
        }
        maybeCommit();
        maybeSendTimeoutNow();
    }

    void onHeartbeatAck(HeartbeatAck ack) {
        Progress peer = progress.get(ack.from());
        if (peer == null) {
            return;
        }
        peer.heard();
        peer.commitIndex = Math.max(peer.commitIndex, ack.commitIndex());
        peer.advanceMatch(ack.matchIndex());
        peer.readSeqAcked = Math.max(peer.readSeqAcked, ack.readSeq());
        if (peer.acceptsInflight == 0 && peer.nextIndex > peer.matchIndex + 1) {
            peer.rewind();
        }
        maybeCommit();
        confirmReads();
    }

    /** Our own slots in {@code entries} reached our disk. */
    void onPersisted(List<Entry> entries) {
        for (Entry entry : entries) {
            if (entry.ballot().equals(ballot)) {
                Invariants.check(entry.index() == selfAcceptedIndex + 1,
                        "leader's slot " + entry.index() + " persisted after " + selfAcceptedIndex);
                selfAcceptedIndex = entry.index();
            }
        }
        maybeCommit();
    }

    private void maybeCommit() {
        List<Long> matches = new ArrayList<>();
        for (int voter : node.membership.voters()) {
            if (voter == node.id) {
                matches.add(selfAcceptedIndex);
            } else {
                Progress peer = progress.get(voter);
                matches.add(peer == null ? 0 : peer.matchIndex);
            }
        }
        matches.sort(null);
        long quorumMatch = matches.get(matches.size() - node.membership.quorumSize());
        if (quorumMatch > node.commitIndex) {
            node.advanceCommit(quorumMatch);
            if (node.leadership != this) {
                return;
            }
            onCommitAdvanced();
        }
    }

    private void onCommitAdvanced() {
        if (node.commitIndex >= firstOwnIndex) {
            while (!readsAwaitingStart.isEmpty()) {
                serveOrConfirm(readsAwaitingStart.poll());
            }
        }
        if (!node.membership.isVoter(node.id)) {
            // We were removed: leading a cluster we do not belong to would count a wrong quorum.
            // Announce the commit first: voters that never learn the change is chosen keep
            // counting us, and those that know more refuse them as behind (no one could lead).
            broadcastHeartbeat();
            node.becomeFollower(NodeCore.NO_LEADER);
        }
    }

    // ---------------------------------------------------------------- reads

    private void confirmReads() {
        while (!readsAwaitingQuorum.isEmpty() && confirmedByQuorum(readsAwaitingQuorum.peek().readSeq())) {
            PendingRead read = readsAwaitingQuorum.poll();
            release(read.context(), read.origin(), read.index());
        }
    }

    private void release(byte[] context, int origin, long index) {
        if (origin == node.id) {
            node.readsAwaitingApply.add(new ReadState(index, context));
        } else {
            node.send(new ReadIndexResponse(node.id, origin, context, index, true));
        }
    }

    private boolean confirmedByQuorum(long seq) {
        int confirmations = node.membership.isVoter(node.id) ? 1 : 0;
        for (int voter : node.membership.voters()) {
            Progress peer = progress.get(voter);
            if (peer != null && peer.readSeqAcked >= seq) {
                confirmations++;
            }
        }
        return confirmations >= node.membership.quorumSize();
    }

    // ---------------------------------------------------------------- time

    void tick() {
        if (lease != null) {
            lease.tick();
        }
        heartbeatElapsedTicks++;
        quorumCheckElapsedTicks++;
        if (quorumCheckElapsedTicks >= node.config.electionTicks()) {
            quorumCheckElapsedTicks = 0;
            if (node.config.checkQuorum() && !quorumRecentlyActive()) {
                node.becomeFollower(NodeCore.NO_LEADER);
                return;
            }
            progress.values().forEach(peer -> peer.recentlyActive = false);
        }
        tickTransfer();
        for (Map.Entry<Integer, Progress> peer : progress.entrySet()) {
            tickPeer(peer.getKey(), peer.getValue());
        }
        if (heartbeatElapsedTicks >= node.config.heartbeatTicks()) {
            heartbeatElapsedTicks = 0;
            broadcastHeartbeat();
        }
    }

    private void tickPeer(int peerId, Progress peer) {
        peer.ticksSinceProgress++;
        peer.ticksSinceHeard++;
        int retransmitTicks = Math.max(2, node.config.electionTicks() / 2);
        if (peer.snapshot != null) {
            if (++peer.snapshot.ticksSinceAck >= retransmitTicks) {
                sendSnapshotChunk(peerId, peer);
            }
            return;
        }
        if (peer.acceptsInflight > 0 && peer.ticksSinceProgress >= retransmitTicks) {
            peer.rewind();
        }
    }

    private void tickTransfer() {
        if (transferTargetId == NodeCore.NO_LEADER) {
            return;
        }
        if (++transferElapsedTicks >= node.config.electionTicks()) {
            transferTargetId = NodeCore.NO_LEADER;
        }
    }

    private boolean quorumRecentlyActive() {
        int active = node.membership.isVoter(node.id) ? 1 : 0;
        for (int voter : node.membership.voters()) {
            Progress peer = progress.get(voter);
            if (peer != null && peer.recentlyActive) {
                active++;
            }
        }
        return active >= node.membership.quorumSize();
    }

    private void broadcastHeartbeat() {
        // A new round only when someone waits for one: otherwise heartbeats repeat the last, so
        // a quiet leader's traffic stays the same. With a lease every heartbeat renews it.
        if (readHeartbeatDue || lease != null) {
            readHeartbeatDue = false;
            readSeq++;
            if (lease != null) {
                lease.onRoundSent(readSeq);
            }
        }
        commitAnnounced = node.commitIndex;
        long releasable = releasableIndex();
        for (int member : progress.keySet()) {
            node.send(new Heartbeat(node.id, member, ballot, node.commitIndex, readSeq, releasable));
        }
    }

    private void maybeSendTimeoutNow() {
        Progress target = progress.get(transferTargetId);
        if (target != null && !timeoutNowSent && target.matchIndex >= node.log.lastIndex()) {
            timeoutNowSent = true;
            node.send(new TimeoutNow(node.id, transferTargetId, ballot, node.commitIndex));
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * The slots every member (voters and learners alike) told us it holds and knows chosen: no
     * member will be sent them again, not by us and not by a later leader, which starts each
     * member after the commit index it promised with. A member added later, or one whose commit
     * index a crash set back, catches up by snapshot.
     */
    long releasableIndex() {
        long releasable = node.commitIndex;
        for (Progress peer : progress.values()) {
            releasable = Math.min(releasable, Math.min(peer.matchIndex, peer.commitIndex));
        }
        return releasable;
    }

    /**
     * A member behind the slots in memory gets the latest snapshot when it reaches past them;
     * otherwise the driver is asked for one ({@link PaxosNode#snapshotWanted}) and a later flush sends it.
     */
    private void startSnapshotOrAskForOne(int peerId, Progress peer) {
        long needed = node.log.firstInMemory() - 1;
        Optional<SnapshotSource.SnapshotInfo> latest = node.snapshots.latest();
        if (latest.isPresent() && latest.get().index() >= needed) {
            startSnapshot(peerId, peer, latest.get());
            return;
        }
        // The driver compacts only after writing a snapshot: only slots dropped from memory can lack one.
        Invariants.check(needed > node.log.snapshotIndex(), "log compacted but the driver has no snapshot");
        node.snapshotWanted = Math.max(node.snapshotWanted, needed);
    }

    private void startSnapshot(int peerId, Progress peer, SnapshotSource.SnapshotInfo info) {
        Invariants.check(info.index() >= node.log.snapshotIndex(), "driver snapshot older than the compacted log");
        Invariants.check(info.index() <= node.commitIndex, "driver snapshot beyond the commit index");
        peer.snapshot = new SnapshotTransfer(info, node.membershipAt(info.index()));
        sendSnapshotChunk(peerId, peer);
    }

    private void sendSnapshotChunk(int peerId, Progress peer) {
        SnapshotTransfer transfer = peer.snapshot;
        transfer.ticksSinceAck = 0;
        byte[] chunk = node.snapshots.read(transfer.index(), transfer.offset, node.config.snapshotChunkBytesMax());
        if (chunk == null) {
            // The driver replaced the snapshot: start over with the newest one on the next flush.
            peer.snapshot = null;
            return;
        }
        node.send(new InstallSnapshot(node.id, peerId, ballot, transfer.index(), transfer.membership,
                transfer.offset, chunk, SnapshotSource.crc32c(chunk), transfer.isLastChunk(chunk.length),
                transfer.info.sizeBytes(), transfer.info.crc32c()));
    }

    void onSnapshotAck(InstallSnapshotAck ack) {
        Progress peer = progress.get(ack.from());
        if (peer == null || peer.snapshot == null || peer.snapshot.index() != ack.snapshotIndex()) {
            return;
        }
        peer.heard();
        if (ack.installed()) {
            peer.snapshot = null;
            peer.advanceMatch(ack.snapshotIndex());
            peer.rewind();
            maybeCommit();
            return;
        }
        peer.snapshot.offset = Math.min(ack.nextOffset(), peer.snapshot.info.sizeBytes());
        sendSnapshotChunk(ack.from(), peer);
    }

    /** Leadership ends: tell followers their reads will not be answered so they can retry. */
    void abandon() {
        List<PendingRead> dropped = new ArrayList<>(readsAwaitingStart);
        dropped.addAll(readsAwaitingQuorum);
        for (PendingRead read : dropped) {
            if (read.origin() != node.id) {
                node.send(new ReadIndexResponse(node.id, read.origin(), read.context(), 0, false));
            }
        }
    }
}
