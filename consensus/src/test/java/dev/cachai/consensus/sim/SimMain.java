package dev.cachai.consensus.sim;

/** Command-line replay: {@code SimMain <firstSeed> [count]}, stops at the first failing seed. */
public final class SimMain {

    private SimMain() {
    }

    public static void main(String[] args) {
        long first = Long.parseLong(args[0]);
        long count = args.length > 1 ? Long.parseLong(args[1]) : 1;
        long started = System.nanoTime();
        for (long seed = first; seed < first + count; seed++) {
            SimReport report = SimulationTest.runSeed(seed);
            System.out.println("  " + report);
        }
        System.out.printf("%d seeds in %d ms%n", count, (System.nanoTime() - started) / 1_000_000);
    }
}
