package dev.cachai.consensus;

import dev.cachai.consensus.message.Message;
import dev.cachai.consensus.message.Message.Accept;
import dev.cachai.consensus.message.Message.Accepted;
import dev.cachai.consensus.message.Message.Heartbeat;
import dev.cachai.consensus.message.Message.HeartbeatAck;
import dev.cachai.consensus.message.Message.InstallSnapshot;
import dev.cachai.consensus.message.Message.InstallSnapshotAck;
import dev.cachai.consensus.message.Message.PreVoteRequest;
import dev.cachai.consensus.message.Message.PreVoteResponse;
import dev.cachai.consensus.message.Message.Prepare;
import dev.cachai.consensus.message.Message.Promise;
import dev.cachai.consensus.message.Message.ReadIndexRequest;
import dev.cachai.consensus.message.Message.ReadIndexResponse;
import dev.cachai.consensus.message.Message.Reject;
import dev.cachai.consensus.message.Message.TimeoutNow;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * State shared by every role and the acceptor side of the protocol. Elections live in
 * {@link Campaigns}, leader-only work in {@link Leadership}; {@link PaxosNode} is the public face.
 */
final class NodeCore {

    static final int NO_LEADER = SubmitResult.NO_LEADER;

    final PaxosConfig config;
    final int id;
    final AcceptorLog log = new AcceptorLog();
    private final RandomGenerator random;
    final SnapshotSource snapshots;

    Ballot promised;
    long commitIndex;
    long appliedIndex;
    Membership membership;
    private final TreeMap<Long, Membership> membershipByIndex = new TreeMap<>();
    Role role = Role.FOLLOWER;
    int leaderId = NO_LEADER;
    int electionElapsedTicks;
    /** Ticks since this incarnation started, counted up to {@code electionTicks} (lease reads). */
    int startElapsedTicks;
    private int electionTimeoutTicks;
    Leadership leadership;
    final Campaigns campaigns;
    private SnapshotReceiver snapshotReceiver;
    private long matchCacheIndex;
    private Ballot matchCacheBallot;
    final List<ReadState> readsAwaitingApply = new ArrayList<>();

    private boolean hardStateDirty;
    /** The pending hard state must be synced: a new promise, or a chosen membership change. */
    private boolean hardStateMustSync;
    /** The promise changed since the last Ready: nothing of ours may leave before it is durable. */
    private boolean promiseChanged;
    private final List<Entry> entriesToPersist = new ArrayList<>();
    /**
     * Slots with a write not yet persisted (handed out in a Ready not yet {@link #persisted}, or
     * still to be), and how many such writes each has: a driver may apply chosen slots before
     * they are durable here, but a snapshot of its state must not reach past what is.
     */
    private final TreeMap<Long, Integer> unsyncedWrites = new TreeMap<>();
    private SnapshotMarker snapshotMarkerToPersist;
    /** A slot a snapshot must reach before a member behind the released slots can catch up (0: none). */
    long snapshotWanted;
    /** The leader's last word on which slots every member holds (see {@link Heartbeat#releasableIndex}). */
    private long releasableFromLeader;
    private Snapshot snapshotToInstall;
    private final List<Message> outboxBeforePersist = new ArrayList<>();
    private final List<Message> outbox = new ArrayList<>();

    NodeCore(PaxosConfig config, PersistentState restored, RandomGenerator random, SnapshotSource snapshots) {
        this.config = config;
        this.id = config.nodeId();
        this.random = random;
        this.snapshots = snapshots;
        this.promised = restored.hardState().promised();
        this.campaigns = new Campaigns(this, promised.round());
        this.membership = restored.snapshot().map(SnapshotMarker::membership)
                .orElse(Membership.ofVoters(config.initialVoters()));
        long snapshotIndex = restored.snapshot().map(SnapshotMarker::index).orElse(0L);
        membershipByIndex.put(snapshotIndex, membership);
        log.compactThrough(snapshotIndex);
        log.loadFrom(restored.entries());
        // A commit index that only moved is written without a sync, so a crash may lose it; what
        // the state machine applied (restored from its snapshot) was chosen all the same.
        this.commitIndex = Math.max(Math.max(snapshotIndex, restored.hardState().commitIndex()),
                restored.appliedIndex());
        this.appliedIndex = restored.appliedIndex();
        Invariants.check(log.lastIndex() >= commitIndex, "restored commit index beyond the restored log");
        applyMembershipEntries(snapshotIndex, commitIndex);
        resetElectionTimer();
    }

    // ---------------------------------------------------------------- inputs

    void tick() {
        startElapsedTicks = Math.min(startElapsedTicks + 1, config.electionTicks());
        if (role == Role.LEADER) {
            leadership.tick();
            return;
        }
        electionElapsedTicks++;
        if (electionElapsedTicks >= electionTimeoutTicks && membership.isVoter(id)) {
            campaigns.campaign(config.preVote(), false);
        }
    }

    void step(Message message) {
        if (message instanceof PreVoteRequest m) {
            campaigns.onPreVoteRequest(m);
        } else if (message instanceof PreVoteResponse m) {
            campaigns.onPreVoteResponse(m);
        } else if (message instanceof Prepare m) {
            campaigns.onPrepare(m);
        } else if (message instanceof Promise m) {
            campaigns.onPromise(m);
        } else if (message instanceof Reject m) {
            campaigns.onReject(m);
        } else if (message instanceof Accept m) {
            onAccept(m);
        } else if (message instanceof Heartbeat m) {
            onHeartbeat(m);
        } else if (message instanceof ReadIndexRequest m) {
            onReadIndexRequest(m);
        } else if (message instanceof ReadIndexResponse m) {
            onReadIndexResponse(m);
        } else if (message instanceof TimeoutNow m) {
            campaigns.onTimeoutNow(m);
        } else if (message instanceof InstallSnapshot m) {
            onInstallSnapshot(m);
        } else {
            stepLeaderOnly(message);
        }
    }

    /** Answers to a leader: stale ones (another ballot, or we no longer lead) are dropped. */
    private void stepLeaderOnly(Message message) {
        if (role != Role.LEADER) {
            return;
        }
        if (message instanceof Accepted m && m.ballot().equals(promised)) {
            leadership.onAccepted(m);
        } else if (message instanceof HeartbeatAck m && m.ballot().equals(promised)) {
            leadership.onHeartbeatAck(m);
        } else if (message instanceof InstallSnapshotAck m && m.ballot().equals(promised)) {
            leadership.onSnapshotAck(m);
        }
    }

    SubmitResult propose(byte[] command) {
        if (role != Role.LEADER) {
            return new SubmitResult.NotLeader(leaderId);
        }
        return leadership.propose(EntryKind.COMMAND, command);
    }

    SubmitResult readIndex(byte[] context) {
        if (role == Role.LEADER) {
            return leadership.read(context, id);
        }
        if (leaderId == NO_LEADER) {
            return new SubmitResult.NotLeader(NO_LEADER);
        }
        if (readsAwaitingApply.size() >= config.readsPendingMax()) {
            return new SubmitResult.Rejected("readsPendingMax reached");
        }
        send(new ReadIndexRequest(id, leaderId, context));
        return new SubmitResult.Pending();
    }

    SubmitResult transferLeadership(int targetId) {
        if (role != Role.LEADER) {
            return new SubmitResult.NotLeader(leaderId);
        }
        return leadership.transferTo(targetId);
    }

    SubmitResult changeMembership(MembershipChange change) {
        if (role != Role.LEADER) {
            return new SubmitResult.NotLeader(leaderId);
        }
        return leadership.changeMembership(change);
    }

    void compact(long index) {
        Invariants.check(index <= appliedIndex, "compacting slot %d beyond applied %d", index, appliedIndex);
        if (index <= log.snapshotIndex()) {
            return;
        }
        log.compactThrough(index);
        snapshotMarkerToPersist = new SnapshotMarker(index, membershipAt(index));
    }

    Ready ready() {
        if (role == Role.LEADER) {
            leadership.flush();
        }
        List<Entry> committed = takeCommitted();
        List<ReadState> reads = takeReadsCoveredByApplied();
        if (promiseChanged) {
            // A leader's Accepts may only overlap its own write when the ballot they carry is
            // already durable here: a node that lost an unsynced promise could campaign again
            // with the same ballot and propose other values in it.
            outbox.addAll(0, outboxBeforePersist);
            outboxBeforePersist.clear();
        }
        Ready ready = new Ready(
                hardStateDirty ? Optional.of(new HardState(promised, commitIndex)) : Optional.empty(),
                hardStateDirty && hardStateMustSync, entriesToPersist, Optional.ofNullable(snapshotMarkerToPersist),
                outboxBeforePersist, outbox, Optional.ofNullable(snapshotToInstall), committed, reads);
        hardStateDirty = false;
        hardStateMustSync = false;
        promiseChanged = false;
        entriesToPersist.clear();
        snapshotMarkerToPersist = null;
        snapshotToInstall = null;
        outboxBeforePersist.clear();
        outbox.clear();
        return ready;
    }

    /** The driver made durable what {@code ready} asked to persist. */
    void persisted(Ready ready) {
        for (Entry entry : ready.entriesToPersist()) {
            unsyncedWrites.computeIfPresent(entry.index(), (index, writes) -> writes == 1 ? null : writes - 1);
        }
        if (leadership != null) {
            leadership.onPersisted(ready.entriesToPersist());
        }
    }

    // ---------------------------------------------------------------- roles

    void becomeFollower(int newLeaderId) {
        dropLeadership();
        if (role != Role.FOLLOWER) {
            role = Role.FOLLOWER;
            resetElectionTimer();
        }
        campaigns.abandon();
        leaderId = newLeaderId;
    }

    void dropLeadership() {
        if (leadership != null) {
            leadership.abandon();
            leadership = null;
        }
    }

    // ---------------------------------------------------------------- acceptor

    /**
     * Common gate for messages from a leader: refuse an old ballot, otherwise follow its sender.
     * Returns false when the message must be ignored.
     */
    private boolean followLeaderOf(Ballot ballot, int from) {
        campaigns.noteRound(ballot.round());
        if (ballot.isBelow(promised)) {
            send(new Reject(id, from, ballot, promised, commitIndex));
            return false;
        }
        if (role == Role.LEADER && ballot.equals(promised)) {
            return false;
        }
        promise(ballot);
        if (role != Role.FOLLOWER || leaderId != from) {
            becomeFollower(from);
        }
        electionElapsedTicks = 0;
        return true;
    }

    private void onAccept(Accept accept) {
        if (!followLeaderOf(accept.ballot(), accept.from())) {
            return;
        }
        long lastIndex = 0;
        for (Entry entry : accept.entries()) {
            Invariants.check(entry.ballot().equals(accept.ballot()), "Accept carries an entry of another ballot");
            lastIndex = Math.max(lastIndex, entry.index());
            acceptEntry(entry);
        }
        followCommit(accept.commitIndex());
        send(new Accepted(id, accept.from(), accept.ballot(), matchIndex(), lastIndex, commitIndex));
    }

    private void acceptEntry(Entry entry) {
        if (entry.index() <= commitIndex || entry.index() <= log.snapshotIndex()) {
            return;
        }
        Entry existing = log.get(entry.index());
        if (existing != null && existing.ballot().equals(entry.ballot())) {
            Invariants.check(existing.sameValue(entry), "two values for slot " + entry.index() + " in ballot "
                    + entry.ballot());
            return;
        }
        persist(entry);
    }

    private void onHeartbeat(Heartbeat heartbeat) {
        if (!followLeaderOf(heartbeat.ballot(), heartbeat.from())) {
            return;
        }
        followCommit(heartbeat.commitIndex());
        releasableFromLeader = heartbeat.releasableIndex(); // dropped by the next ready(), once applied
        send(new HeartbeatAck(id, heartbeat.from(), heartbeat.ballot(), matchIndex(), commitIndex,
                heartbeat.readSeq()));
    }

    /**
     * The end of the prefix this acceptor holds with the current leader's values: slots known
     * chosen, then slots accepted in the promised ballot. Only these can be committed here.
     */
    long matchIndex() {
        if (!promised.equals(matchCacheBallot)) {
            matchCacheBallot = promised;
            matchCacheIndex = commitIndex;
        }
        matchCacheIndex = Math.max(matchCacheIndex, commitIndex);
        while (true) {
            Entry next = log.get(matchCacheIndex + 1);
            if (next == null || !next.ballot().equals(promised)) {
                return matchCacheIndex;
            }
            matchCacheIndex++;
        }
    }

    void followCommit(long leaderCommitIndex) {
        long safeCommit = Math.min(leaderCommitIndex, matchIndex());
        if (safeCommit > commitIndex) {
            advanceCommit(safeCommit);
        }
    }

    void advanceCommit(long newCommitIndex) {
        Invariants.check(newCommitIndex > commitIndex, "commit index moving backwards");
        Invariants.check(log.lastIndex() >= newCommitIndex, "committing slots not in the log");
        long previous = commitIndex;
        commitIndex = newCommitIndex;
        hardStateDirty = true;
        if (applyMembershipEntries(previous, newCommitIndex)) {
            // The membership a restarted node counts quorums with comes from its durable commit
            // index; forgetting a chosen change would let it count an older, smaller quorum.
            hardStateMustSync = true;
        }
    }

    /** Follows membership entries chosen in the range; true when there was one. */
    private boolean applyMembershipEntries(long afterIndex, long throughIndex) {
        boolean changed = false;
        for (long index = Math.max(afterIndex, log.snapshotIndex()) + 1; index <= throughIndex; index++) {
            Entry entry = log.get(index);
            Invariants.check(entry != null, "hole in the chosen prefix at slot %d", index);
            if (entry.kind() == EntryKind.MEMBERSHIP) {
                changed = true;
                membership = Membership.decode(entry.data());
                membershipByIndex.put(index, membership);
                if (leadership != null) {
                    leadership.onMembershipChosen(index);
                }
            }
        }
        return changed;
    }

    /** The slot of the membership in force (the snapshot index when it came with a snapshot). */
    long membershipIndex() {
        return membershipByIndex.lastKey();
    }

    Membership membershipAt(long index) {
        Map.Entry<Long, Membership> floor = membershipByIndex.floorEntry(index);
        Invariants.check(floor != null, "no membership known at slot %d", index);
        return floor.getValue();
    }

    // ---------------------------------------------------------------- reads

    private void onReadIndexRequest(ReadIndexRequest request) {
        if (role != Role.LEADER) {
            send(new ReadIndexResponse(id, request.from(), request.context(), 0, false));
            return;
        }
        SubmitResult result = leadership.read(request.context(), request.from());
        if (result instanceof SubmitResult.Rejected) {
            send(new ReadIndexResponse(id, request.from(), request.context(), 0, false));
        }
    }

    private void onReadIndexResponse(ReadIndexResponse response) {
        if (response.granted()) {
            readsAwaitingApply.add(new ReadState(response.index(), response.context()));
        }
    }

    private List<ReadState> takeReadsCoveredByApplied() {
        List<ReadState> released = new ArrayList<>();
        for (Iterator<ReadState> it = readsAwaitingApply.iterator(); it.hasNext();) {
            ReadState read = it.next();
            if (read.index() <= appliedIndex) {
                released.add(read);
                it.remove();
            }
        }
        return released;
    }

    // ---------------------------------------------------------------- snapshots

    private void onInstallSnapshot(InstallSnapshot chunk) {
        if (!followLeaderOf(chunk.ballot(), chunk.from())) {
            return;
        }
        if (chunk.snapshotIndex() <= commitIndex) {
            send(new InstallSnapshotAck(id, chunk.from(), chunk.ballot(), chunk.snapshotIndex(), 0, true));
            return;
        }
        if (chunk.offset() == 0 && (snapshotReceiver == null || !snapshotReceiver.sameTransfer(chunk))) {
            Invariants.check(chunk.snapshotBytes() <= config.snapshotBytesMax(), "snapshot above snapshotBytesMax");
            snapshotReceiver = new SnapshotReceiver(chunk);
        }
        if (snapshotReceiver == null || !snapshotReceiver.sameTransfer(chunk)) {
            send(new InstallSnapshotAck(id, chunk.from(), chunk.ballot(), chunk.snapshotIndex(), 0, false));
            return;
        }
        snapshotReceiver.offer(chunk);
        if (snapshotReceiver.isComplete()) {
            byte[] data = snapshotReceiver.verifiedData();
            snapshotReceiver = null;
            if (data != null) {
                installSnapshot(new SnapshotMarker(chunk.snapshotIndex(), chunk.membership()), data);
            }
            send(new InstallSnapshotAck(id, chunk.from(), chunk.ballot(), chunk.snapshotIndex(), 0, data != null));
            return;
        }
        send(new InstallSnapshotAck(id, chunk.from(), chunk.ballot(), chunk.snapshotIndex(),
                snapshotReceiver.receivedBytes(), false));
    }

    private void installSnapshot(SnapshotMarker marker, byte[] data) {
        log.compactThrough(marker.index());
        unsyncedWrites.headMap(marker.index(), true).clear(); // the snapshot stands for those slots
        commitIndex = marker.index();
        appliedIndex = marker.index();
        hardStateDirty = true;
        hardStateMustSync = true;
        membership = marker.membership();
        membershipByIndex.put(marker.index(), membership);
        snapshotMarkerToPersist = marker;
        snapshotToInstall = new Snapshot(marker, data);
    }

    // ---------------------------------------------------------------- plumbing

    void promise(Ballot ballot) {
        if (!ballot.equals(promised)) {
            Invariants.check(ballot.isAbove(promised), "promise moving backwards");
            promised = ballot;
            hardStateDirty = true;
            hardStateMustSync = true;
            promiseChanged = true;
        }
    }

    void persist(Entry entry) {
        log.put(entry);
        entriesToPersist.add(entry);
        unsyncedWrites.merge(entry.index(), 1, Integer::sum);
    }

    /**
     * Queues a message. A leader's Accept and Heartbeat carry its proposals and its commit index
     * (chosen slots, durable at a quorum), never a vote of this node as an acceptor, so they may
     * leave before this node's own write is synced: the leader counts itself toward a quorum
     * only once {@link #persisted} says its copy is durable. Everything else waits for the sync:
     * Promise, Accepted and Reject carry promises and accepted slots; a HeartbeatAck carries the
     * match index the leader commits with, and its read confirmation is only worth something
     * while the promise behind it survives a crash; an InstallSnapshotAck reports a snapshot held.
     */
    void send(Message message) {
        if (message instanceof Accept || message instanceof Heartbeat) {
            outboxBeforePersist.add(message);
        } else {
            outbox.add(message);
        }
    }

    void broadcastToVoters(java.util.function.IntFunction<Message> messageFor) {
        for (int voter : membership.voters()) {
            if (voter != id) {
                send(messageFor.apply(voter));
            }
        }
    }

    void resetElectionTimer() {
        electionElapsedTicks = 0;
        electionTimeoutTicks = config.electionTicks() + random.nextInt(config.electionTicks());
    }

    /**
     * The highest slot through which every slot is chosen and held durably here (in the log or
     * under its snapshot marker): how far a snapshot of the applied state may reach, so that a
     * restart finds every slot up to it.
     */
    long durableChosenThrough() {
        return unsyncedWrites.isEmpty() ? commitIndex : Math.min(commitIndex, unsyncedWrites.firstKey() - 1);
    }

    /**
     * Chosen commands not yet handed out, in slot order, up to the first chosen slot of another
     * kind, or none while a received snapshot waits to be handed out (it comes first).
     */
    List<Entry> takeChosenCommands() {
        return snapshotToInstall != null ? List.of() : handOutChosen(true);
    }

    /** Chosen slots not yet handed out, in order; with {@code commandsOnly}, up to the first that is not a command. */
    private List<Entry> handOutChosen(boolean commandsOnly) {
        if (appliedIndex >= commitIndex) {
            return List.of();
        }
        List<Entry> chosen = new ArrayList<>();
        for (long index = appliedIndex + 1; index <= commitIndex; index++) {
            Entry entry = log.get(index);
            Invariants.check(entry != null, "committed slot %d missing from the log", index);
            if (commandsOnly && entry.kind() != EntryKind.COMMAND) {
                break;
            }
            chosen.add(entry);
            appliedIndex = index;
        }
        return chosen;
    }

    private List<Entry> takeCommitted() {
        List<Entry> committed = handOutChosen(false);
        // Slots applied here and held by every member are asked for by no one again (a restart
        // reads the durable log): kept until the next snapshot, which comes after as many writes
        // as there are keys, they were one slot per key written, most of the heap under a create
        // load, for the collector to copy and mark again and again.
        long releasable = role == Role.LEADER ? leadership.releasableIndex() : releasableFromLeader;
        log.release(Math.min(releasable, appliedIndex));
        return committed;
    }
}
