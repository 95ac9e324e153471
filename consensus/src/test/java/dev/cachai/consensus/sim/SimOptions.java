package dev.cachai.consensus.sim;

/**
 * Knobs of one simulated run. Rates are per message or per tick; durations are in ticks.
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
        int downTicksMax,
        double partitionRatePerTick,
        int partitionTicksMax,
        int snapshotEveryEntries,
        int clientCount,
        int keyCount,
        int clientTimeoutTicks,
        int initialVoterCount,
        double membershipChangeRatePerTick) {

    static SimOptions standard(int nodeCount) {
        return new SimOptions(nodeCount, 1200, 400, 0.05, 0.03, 4, 0.002, 0.002, 150, 0.002, 200,
                40, 4, 3, 120, nodeCount, 0);
    }

    /** Five nodes, three voting at first; the leader keeps adding, promoting and removing members. */
    static SimOptions withMembershipChanges() {
        return new SimOptions(5, 1200, 400, 0.05, 0.03, 4, 0.002, 0.002, 150, 0.002, 200,
                40, 4, 3, 120, 3, 0.02);
    }

    boolean changesMembership() {
        return membershipChangeRatePerTick > 0;
    }
}
