package dev.cachai.consensus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs many seeded whole-cluster simulations. {@code -Dcachai.sim.seeds=N} changes how many,
 * {@code -Dcachai.sim.seed=S} replays one seed, {@code -Dcachai.sim.firstSeed=F} shifts the range.
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
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SimReport report = runSeed(seed);
            chosen += report.slotsChosen();
            completed += report.opsCompleted();
        }
        System.out.printf("simulated %d seeds from %d: %d slots chosen, %d client ops answered%n", seeds,
                firstSeed, chosen, completed);
        assertThat(completed).as("runs must do real work").isGreaterThan(seeds * 5L);
    }

    /** Odd seeds run three nodes; even seeds five, every other one with membership changes. */
    static SimReport runSeed(long seed) {
        SimOptions options = seed % 2 == 1 ? SimOptions.standard(3)
                : seed % 4 == 0 ? SimOptions.standard(5) : SimOptions.withMembershipChanges();
        System.out.println("sim seed " + seed + " (" + options.nodeCount() + " nodes"
                + (options.changesMembership() ? ", membership changes)" : ")"));
        return new ClusterSimulation(seed, options).run();
    }
}
