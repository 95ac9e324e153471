package dev.cachai.consensus.sim;

/**
 * Knobs of one simulated run. Rates are per message, per tick or per Ready; durations are in
 * ticks. {@code crashAfterEarlySendRate}: a node crashes after its leader Accepts left and before
 * its own sync. {@code clockDriftMax}: each node's ticks run at a rate drawn from
 * {@code 1 ± clockDriftMax} of the simulation's time.
 */
record SimOptions(
        int nodeCount,
        int faultTicks,
        int quietTicks,
        double dropRate,
        double duplicateRate,
        int delayTicksMax,
        double crashRatePerTick,
        double crashBeforeSyncRate,
        double crashAfterEarlySendRate,
        int downTicksMax,
        double partitionRatePerTick,
        int partitionTicksMax,
        int snapshotEveryEntries,
        int clientCount,
        int keyCount,
        int clientTimeoutTicks,
        int initialVoterCount,
        double membershipChangeRatePerTick,
        boolean leaseReads,
        double clockDriftMax) {

    /**
     * Lease margin 2 of 10 election ticks tolerates tick lengths 12.5% apart: a drift of 5% either
     * way keeps any two nodes within 1.05 / 0.95 = 10.5%.
     */
    static final double LEASE_SAFE_DRIFT = 0.05;

    static SimOptions standard(int nodeCount) {
        return new SimOptions(nodeCount, 1200, 400, 0.05, 0.03, 4, 0.002, 0.002, 0.005, 150, 0.002, 200,
                40, 4, 3, 120, nodeCount, 0, false, 0);
    }

    /** Five nodes, three voting at first; the leader keeps adding, promoting and removing members. */
    static SimOptions withMembershipChanges() {
        return new SimOptions(5, 1200, 400, 0.05, 0.03, 4, 0.002, 0.002, 0.005, 150, 0.002, 200,
                40, 4, 3, 120, 3, 0.02, false, 0);
    }

    /** The same run with lease reads on every node and clocks that drift up to {@code drift}. */
    SimOptions withLeaseReads(double drift) {
        return new SimOptions(nodeCount, faultTicks, quietTicks, dropRate, duplicateRate, delayTicksMax,
                crashRatePerTick, crashBeforeSyncRate, crashAfterEarlySendRate, downTicksMax, partitionRatePerTick,
                partitionTicksMax, snapshotEveryEntries, clientCount, keyCount, clientTimeoutTicks,
                initialVoterCount, membershipChangeRatePerTick, true, drift);
    }

    boolean changesMembership() {
        return membershipChangeRatePerTick > 0;
    }
}
