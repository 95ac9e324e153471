package dev.cachai.bench.load;

/** The outcome of one (target, workload, clients) run. Latencies in microseconds. */
public record RunResult(
        String target,
        String workload,
        int clients,
        long ops,
        long errors,
        double seconds,
        double opsPerSecond,
        double p50Micros,
        double p99Micros,
        double p999Micros,
        double maxMicros,
        String note) {

    static final String SETUP_FAILED = "failed: ";

    public static RunResult skipped(String target, String workload, int clients, String why) {
        return new RunResult(target, workload, clients, 0, 0, 0, 0, 0, 0, 0, 0, why);
    }

    /** True when the workload could not even be set up (connect or preload failed). */
    public boolean setupFailed() {
        return note.startsWith(SETUP_FAILED);
    }

    public boolean ran() {
        return seconds > 0;
    }
}
