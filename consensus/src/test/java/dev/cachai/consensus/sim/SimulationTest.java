package dev.cachai.consensus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs many seeded whole-cluster simulations. {@code -Dcachai.sim.seeds=N} changes how many,
 * {@code -Dcachai.sim.seed=S} replays one seed, {@code -Dcachai.sim.firstSeed=F} shifts the range,
 * {@code -Dcachai.sim.clockDrift=D} sets the clock drift of the lease-read seeds (default 0.05; above
 * about 0.058 the lease margin no longer covers it, and runs are expected to fail).
 */
class SimulationTest {

    private static final int SEEDS_DEFAULT = 500;

    @Test
    void threeAndFiveNodeClustersStaySafeAndLinearizable() {
        String single = System.getProperty("cachai.sim.seed");
        if (single != null) {
            runSeed(Long.parseLong(single));
            return;
        }
        int seeds = Integer.getInteger("cachai.sim.seeds", SEEDS_DEFAULT);
        long firstSeed = Long.getLong("cachai.sim.firstSeed", 1L);
        long chosen = 0;
        long completed = 0;
        long crashesAfterEarlySend = 0;
        long deferredSyncs = 0;
        long appliedBeforeSync = 0;
        long leaseReadsInOneTick = 0;
        long otherReadsInOneTick = 0;
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SimReport report = runSeed(seed);
            chosen += report.slotsChosen();
            completed += report.opsCompleted();
            crashesAfterEarlySend += report.crashesAfterEarlySend();
            deferredSyncs += report.deferredSyncs();
            appliedBeforeSync += report.appliedBeforeSync();
            if (optionsFor(seed).leaseReads()) {
                leaseReadsInOneTick += report.readsInOneTick();
            } else {
                otherReadsInOneTick += report.readsInOneTick();
            }
        }
        System.out.printf("simulated %d seeds from %d: %d slots chosen, %d client ops answered, %d crashes between"
                + " early Accepts and sync, %d reads answered from a lease in their tick%n", seeds, firstSeed, chosen,
                completed, crashesAfterEarlySend, leaseReadsInOneTick);
        assertThat(completed).as("runs must do real work").isGreaterThan(seeds * 5L);
        assertThat(deferredSyncs).as("syncs finished after the node stepped on").isPositive();
        assertThat(appliedBeforeSync).as("chosen entries applied before their Ready's sync").isPositive();
        assertThat(otherReadsInOneTick).as("without a lease a read takes a heartbeat round").isZero();
        if (seeds >= SEEDS_WITH_EVERY_FAULT) {
            assertThat(crashesAfterEarlySend).as("crashes between a leader's Accepts and its sync").isPositive();
            assertThat(leaseReadsInOneTick).as("reads answered from a lease").isPositive();
        }
    }

    /** Enough seeds that every kind of fault and the lease path certainly occur. */
    private static final int SEEDS_WITH_EVERY_FAULT = 30;

    /**
     * Odd seeds run three nodes; even seeds five, every other one with membership changes. Every
     * third seed runs lease reads with clocks drifting within what the lease margin tolerates.
     */
    static SimOptions optionsFor(long seed) {
        SimOptions options = seed % 2 == 1 ? SimOptions.standard(3)
                : seed % 4 == 0 ? SimOptions.standard(5) : SimOptions.withMembershipChanges();
        return seed % 3 == 0 ? options.withLeaseReads(Double.parseDouble(
                System.getProperty("cachai.sim.clockDrift", Double.toString(SimOptions.LEASE_SAFE_DRIFT)))) : options;
    }

    static SimReport runSeed(long seed) {
        SimOptions options = optionsFor(seed);
        System.out.println("sim seed " + seed + " (" + options.nodeCount() + " nodes"
                + (options.changesMembership() ? ", membership changes" : "")
                + (options.leaseReads() ? ", lease reads" : "") + ")");
        return new ClusterSimulation(seed, options).run();
    }
}
