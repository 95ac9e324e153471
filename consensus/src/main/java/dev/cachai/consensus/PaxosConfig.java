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
        boolean checkQuorum) {

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
    }

    /** A follower assembles an incoming snapshot in one byte array. */
    public static final long SNAPSHOT_IN_MEMORY_BYTES_MAX = Integer.MAX_VALUE - 8;

    /** Settings for a LAN cluster ticking every 100 ms: election after about 1 s, heartbeat 100 ms. */
    public static PaxosConfig defaults(int nodeId, Set<Integer> initialVoters) {
        return new PaxosConfig(nodeId, initialVoters, 10, 1, 256, 1 << 20, 64, 8192, 1 << 20,
                4096, 1 << 20, 1L << 30, 1024, true, true);
    }

    public PaxosConfig withElection(int newElectionTicks, int newHeartbeatTicks) {
        return new PaxosConfig(nodeId, initialVoters, newElectionTicks, newHeartbeatTicks, entriesPerAcceptMax,
                acceptBytesMax, acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax,
                snapshotChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum);
    }

    public PaxosConfig withPipeline(int newEntriesPerAcceptMax, int newAcceptsInflightMax, int newUncommittedMax) {
        return new PaxosConfig(nodeId, initialVoters, electionTicks, heartbeatTicks, newEntriesPerAcceptMax,
                acceptBytesMax, newAcceptsInflightMax, newUncommittedMax, entryBytesMax, readsPendingMax,
                snapshotChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum);
    }

    public PaxosConfig withSnapshotChunkBytesMax(int newChunkBytesMax) {
        return new PaxosConfig(nodeId, initialVoters, electionTicks, heartbeatTicks, entriesPerAcceptMax,
                acceptBytesMax, acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax,
                newChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, preVote, checkQuorum);
    }

    public PaxosConfig withGuards(boolean newPreVote, boolean newCheckQuorum) {
        return new PaxosConfig(nodeId, initialVoters, electionTicks, heartbeatTicks, entriesPerAcceptMax,
                acceptBytesMax, acceptsInflightMax, proposalsUncommittedMax, entryBytesMax, readsPendingMax,
                snapshotChunkBytesMax, snapshotBytesMax, learnerLagEntriesMax, newPreVote, newCheckQuorum);
    }
}
