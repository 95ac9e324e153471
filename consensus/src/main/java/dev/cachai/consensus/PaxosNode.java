package dev.cachai.consensus;

import dev.cachai.consensus.message.Message;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One Multi-Paxos replica as a pure state machine: feed it {@link #step}, {@link #tick},
 * {@link #propose} and {@link #readIndex}, then take a {@link Ready} and carry it out. It does
 * no I/O and reads no clock: time is ticks, randomness comes from the seeded generator.
 *
 * <p>Every node is an acceptor. A leader runs phase 1 once for all slots from its first
 * unchosen one, re-proposes the highest-ballot value found per slot (no-ops in gaps), and then
 * streams phase 2 for new commands until a higher ballot appears.
 */
public final class PaxosNode {

    private final PaxosConfig config;
    private final int id;
    private final NodeCore core;

    public PaxosNode(PaxosConfig config, PersistentState restored, RandomGenerator random, SnapshotSource snapshots) {
        this.config = config;
        this.id = config.nodeId();
        this.core = new NodeCore(config, restored, random, snapshots);
    }

    /** A brand-new node with nothing on disk. */
    public static PaxosNode fresh(PaxosConfig config, RandomGenerator random, SnapshotSource snapshots) {
        return new PaxosNode(config, PersistentState.EMPTY, random, snapshots);
    }

    /** One unit of time: election timeouts, heartbeats, quorum checks and retransmits count ticks. */
    public void tick() {
        core.tick();
    }

    /** Feeds a message from a peer; one addressed to another node is refused (a routing bug). */
    public void step(Message message) {
        if (message.to() != id) {
            throw new IllegalArgumentException("message for node " + message.to() + " delivered to " + id);
        }
        core.step(message);
    }

    /**
     * Appends a command on the leader; it leaves with the next {@link #ready()}, batched with the
     * others proposed meanwhile. Elsewhere: {@code NotLeader} with the leader to forward to.
     */
    public SubmitResult propose(byte[] command) {
        return core.propose(command);
    }

    /**
     * Asks for a linearizable read point; {@code Pending} means a {@link ReadState} carrying
     * {@code context} will come in a later {@link Ready} (a follower asks the leader for it).
     */
    public SubmitResult readIndex(byte[] context) {
        return core.readIndex(context);
    }

    /** Hands leadership to a voter once it holds the whole log; proposals are refused meanwhile. */
    public SubmitResult transferLeadership(int targetId) {
        return core.transferLeadership(targetId);
    }

    /** Proposes a single-server membership change; refused while the previous one is settling. */
    public SubmitResult changeMembership(MembershipChange change) {
        return core.changeMembership(change);
    }

    /**
     * On the leader: how far a member is known to hold the log (its own last index for the
     * leader). -1 on a node that does not lead, or for a node that is not a member.
     */
    public long matchIndexOf(int nodeId) {
        return core.leadership == null ? -1 : core.leadership.matchIndexOf(nodeId);
    }

    /**
     * On the leader: whether a member answered within the last election timeout (ZooKeeper's
     * leader counts such learners). False on a node that does not lead.
     */
    public boolean heardWithinElectionTimeout(int nodeId) {
        return core.leadership != null && core.leadership.heardWithinElectionTimeout(nodeId);
    }

    /** The state machine holds everything up to {@code index} in a snapshot: drop those slots. */
    public void compact(long index) {
        core.compact(index);
    }

    /**
     * Starts an election now (used by tests and operators); pre-vote still applies. With lease
     * reads it does nothing while this node honours a leader's lease (use a transfer instead).
     */
    public void campaign() {
        core.campaigns.campaign(config.preVote(), false);
    }

    public Ready ready() {
        return core.ready();
    }

    /**
     * Tells the node that what {@code ready} asked to persist is durable (synced). Call it for
     * every Ready, in order, before the next {@link #ready()}; a leader counts its own copy of
     * its proposals toward a quorum only from here, so without it a leader never commits.
     */
    public void persisted(Ready ready) {
        core.persisted(ready);
    }

    /**
     * Chosen commands that no Ready has handed out yet, in slot order, stopping before the first
     * chosen slot of another kind (a membership change or a new leader's no-op, which wait for
     * their Ready). For a driver whose Ready is still syncing: a chosen value is durable at a
     * quorum, so it may be applied before this node's own copy of it is, and before the Ready's
     * {@link #persisted}; that Ready's own committed entries must have been applied first. The
     * next {@link #ready()} hands out only the slots after these.
     */
    public List<Entry> takeChosenCommands() {
        return core.takeChosenCommands();
    }

    /**
     * The highest slot through which every slot is chosen and durable here. A driver that applies
     * chosen slots before their Ready is synced ({@link Ready#mayApplyBeforeSync},
     * {@link #takeChosenCommands}) may be ahead of it; a snapshot of its state must wait until
     * this reaches the applied slot, or a crash could leave a snapshot beyond a log with holes.
     */
    public long durableChosenThrough() {
        return core.durableChosenThrough();
    }

    public int id() {
        return id;
    }

    public Role role() {
        return core.role;
    }

    public int leaderId() {
        return core.leaderId;
    }

    public Ballot promised() {
        return core.promised;
    }

    public long commitIndex() {
        return core.commitIndex;
    }

    public long lastIndex() {
        return core.log.lastIndex();
    }

    public long snapshotIndex() {
        return core.log.snapshotIndex();
    }

    /**
     * A slot the driver's next snapshot has to reach, at once, for a member to catch up (0: no
     * such need): members drop from memory the slots every member holds, and a member added
     * later, or one a crash set back, gets a snapshot past them.
     */
    public long snapshotWanted() {
        return core.snapshotWanted;
    }

    public Membership membership() {
        return core.membership;
    }

    /** The slot that chose the membership in force (the snapshot index when it came with a snapshot). */
    public long membershipIndex() {
        return core.membershipIndex();
    }

    /** The accepted value of a slot, or empty when the slot is empty or compacted. */
    public Optional<Entry> entry(long index) {
        return Optional.ofNullable(core.log.get(index));
    }
}
