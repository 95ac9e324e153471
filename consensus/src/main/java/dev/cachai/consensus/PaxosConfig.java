package dev.cachai.consensus;

import java.util.Set;

/**
 * Static settings of one node. Limits carry their unit last in the name and are checked against
 * each other at start-up.
 *
 * @param nodeId                 this node, never {@link SubmitResult#NO_LEADER}
 * @param initialVoters          voters of a brand-new cluster; a restarted node uses its log instead
 * @param electionTicks          ticks without a leader before campaigning (randomized up to twice this)
 * @param heartbeatTicks         ticks between leader heartbeats
 * @param entriesPerAcceptMax    entries carried by one Accept message
 * @param acceptBytesMax         payload bytes carried by one Accept message (one entry may exceed it)
 * @param acceptsInflightMax     unacknowledged Accept messages per follower (the pipeline window)
 * @param proposalsUncommittedMax slots the leader may hand out beyond the commit index
 * @param entryBytesMax          largest command accepted by {@code propose}
 * @param readsPendingMax        read-index requests waiting for confirmation
 * @param snapshotChunkBytesMax  bytes per InstallSnapshot message
 * @param snapshotBytesMax       largest snapshot a follower will assemble in memory (below 2 GiB)
 * @param learnerLagEntriesMax   how far behind the leader a learner may be when promoted
 * @param preVote                ask before campaigning, so a partitioned node cannot disrupt
 * @param checkQuorum            leader steps down when it stops hearing from a quorum
 * @param leaseReads             the leader answers read index from a lease instead of a heartbeat
 *                               round; every node of the cluster must set it alike (followers honour
 *                               the lease), with the same {@code electionTicks} and tick length
 * @param leaseMarginTicks       how much shorter than {@code electionTicks} the lease is: covers tick
 *                               granularity (1 tick) and clock rate differences between nodes
 */
public record PaxosConfig(
        int nodeId,
        Set<Integer> initialVoters,
        int electionTicks,
        int heartbeatTicks,
        int entriesPerAcceptMax,
        int acceptBytesMax,
        int acceptsInflightMax,
        int proposalsUncommittedMax,
        int entryBytesMax,
        int readsPendingMax,
        int snapshotChunkBytesMax,
        long snapshotBytesMax,
        long learnerLagEntriesMax,
        boolean preVote,
        boolean checkQuorum,
        boolean leaseReads,
        int leaseMarginTicks) {

    public PaxosConfig {
        initialVoters = Set.copyOf(initialVoters);
        Invariants.check(nodeId != SubmitResult.NO_LEADER, "node id 0 is reserved for 'no leader'");
        Invariants.check(heartbeatTicks > 0, "heartbeatTicks must be positive");
        Invariants.check(electionTicks > heartbeatTicks, "electionTicks must exceed heartbeatTicks");
        Invariants.check(entriesPerAcceptMax > 0, "entriesPerAcceptMax must be positive");
        Invariants.check(acceptBytesMax >= entryBytesMax, "an Accept must fit the largest entry");
        Invariants.check(acceptsInflightMax > 0, "acceptsInflightMax must be positive");
        Invariants.check(proposalsUncommittedMax > 0, "proposalsUncommittedMax must be positive");
        Invariants.check(readsPendingMax > 0, "readsPendingMax must be positive");
        Invariants.check(snapshotChunkBytesMax > 0, "snapshotChunkBytesMax must be positive");
        Invariants.check(snapshotBytesMax >= snapshotChunkBytesMax, "snapshotBytesMax below one chunk");
        Invariants.check(snapshotBytesMax <= SNAPSHOT_IN_MEMORY_BYTES_MAX, "snapshotBytesMax above what one array holds");
        Invariants.check(learnerLagEntriesMax >= 0, "learnerLagEntriesMax is negative");
        Invariants.check(leaseMarginTicks >= 1 && leaseMarginTicks < electionTicks,
                "leaseMarginTicks must be at least 1 and below electionTicks");
    }

    /** Settings without lease reads (read index always confirms leadership with a heartbeat round). */
    public PaxosConfig(int nodeId, Set<Integer> initialVoters, int electionTicks, int heartbeatTicks,
            int entriesPerAcceptMax, int acceptBytesMax, int acceptsInflightMax, int proposalsUncommittedMax,
            int entryBytesMax, int readsPendingMax, int snapshotChunkBytesMax, long snapshotBytesMax,
            long learnerLagEntriesMax, boolean preVote, boolean checkQuorum) {
        this(nodeId, initialVoters, electionTicks, heartbeatTicks, entriesPerAcceptMax, acceptBytesMax,
                acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax, snapshotChunkBytesMax,
                snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum, false,
                leaseMarginTicksFor(electionTicks));
    }

    /**
     * A fifth of the election timeout, at least one tick: with 10 election ticks the lease lasts
     * 8 ticks, safe while no node's ticks are more than 12.5% longer than another's (see
     * {@link #leaseTicks()}).
     */
    static int leaseMarginTicksFor(int electionTicks) {
        return Math.max(1, Math.min(electionTicks - 1, electionTicks / 5));
    }

    /**
     * Ticks a lease lasts on the leader, counted from the tick in which it sent a heartbeat that
     * a quorum answered; a read served within them happened less than {@code leaseTicks} of its
     * tick lengths after that sending. A follower that answered refuses to help elect another
     * leader until {@code electionTicks} of its own ticks after receiving it, which is more than
     * {@code electionTicks - 1} of its tick lengths (its next tick may come at once). Safe while
     * {@code leaseTicks * leaderTickLength <= (electionTicks - 1) * followerTickLength} for every
     * pair of nodes, and while the driver ticks once per elapsed tick period, pauses included (a
     * leader that misses ticks believes its lease younger than it is).
     */
    public int leaseTicks() {
        return electionTicks - leaseMarginTicks;
    }

    /** A follower assembles an incoming snapshot in one byte array. */
    public static final long SNAPSHOT_IN_MEMORY_BYTES_MAX = Integer.MAX_VALUE - 8;

    /** Settings for a LAN cluster ticking every 100 ms: election after about 1 s, heartbeat 100 ms. */
    public static PaxosConfig defaults(int nodeId, Set<Integer> initialVoters) {
        return new PaxosConfig(nodeId, initialVoters, 10, 1, 256, 1 << 20, 64, 8192, 1 << 20,
                4096, 1 << 20, 1L << 30, 1024, true, true);
    }

    public PaxosConfig withLeaseReads(boolean newLeaseReads, int newLeaseMarginTicks) {
        return new PaxosConfig(nodeId, initialVoters, electionTicks, heartbeatTicks, entriesPerAcceptMax,
                acceptBytesMax, acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax,
                snapshotChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum, newLeaseReads,
                newLeaseMarginTicks);
    }

    public PaxosConfig withElection(int newElectionTicks, int newHeartbeatTicks) {
        return new PaxosConfig(nodeId, initialVoters, newElectionTicks, newHeartbeatTicks, entriesPerAcceptMax,
                acceptBytesMax, acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax,
                snapshotChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum, leaseReads,
                leaseReads ? leaseMarginTicks : leaseMarginTicksFor(newElectionTicks));
    }

    public PaxosConfig withPipeline(int newEntriesPerAcceptMax, int newAcceptsInflightMax, int newUncommittedMax) {
        return new PaxosConfig(nodeId, initialVoters, electionTicks, heartbeatTicks, newEntriesPerAcceptMax,
                acceptBytesMax, newAcceptsInflightMax, newUncommittedMax, entryBytesMax, readsPendingMax,
                snapshotChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum, leaseReads,
                leaseMarginTicks);
    }

    public PaxosConfig withSnapshotChunkBytesMax(int newChunkBytesMax) {
        return new PaxosConfig(nodeId, initialVoters, electionTicks, heartbeatTicks, entriesPerAcceptMax,
                acceptBytesMax, acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax,
                newChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum, leaseReads,
                leaseMarginTicks);
    }

    public PaxosConfig withGuards(boolean newPreVote, boolean newCheckQuorum) {
        return new PaxosConfig(nodeId, initialVoters, electionTicks, heartbeatTicks, entriesPerAcceptMax,
                acceptBytesMax, acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax,
                snapshotChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, newPreVote, newCheckQuorum, leaseReads,
                leaseMarginTicks);
    }
}
