package dev.cachai.bench.load;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The run that stands for a row measured several times ({@code compare --repeat N}): the one with
 * the median throughput, its latencies its own, so one disk stall or one lucky run moves neither
 * target's figure. The note lists every run's throughput.
 */
public final class MedianRun {
    private MedianRun() {}

    public static RunResult of(List<RunResult> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        List<RunResult> ran = runs.stream().filter(RunResult::ran)
                .sorted(Comparator.comparingDouble(RunResult::opsPerSecond)).toList();
        if (runs.size() == 1 || ran.isEmpty()) {
            return runs.get(0);
        }
        // With an even count the lower middle run: a tie goes to the slower figure, not the faster.
        RunResult median = ran.get((ran.size() - 1) / 2);
        String all = runs.stream().map(MedianRun::throughput).collect(Collectors.joining(" / "));
        String note = "median of " + runs.size() + " runs (ops/s " + all + ")"
                + (median.note().isEmpty() ? "" : "; " + median.note());
        return new RunResult(median.target(), median.workload(), median.clients(), median.ops(), median.errors(),
                median.seconds(), median.opsPerSecond(), median.p50Micros(), median.p99Micros(),
                median.p999Micros(), median.maxMicros(), note);
    }

    private static String throughput(RunResult r) {
        return r.ran() ? String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()) : "did not run";
    }
}
