package dev.cachai.bench.load;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/** Markdown tables: one target's runs, or Cachai against the real server for each protocol. */
public final class ResultTables {
    private ResultTables() {}

    public static String single(List<RunResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| target | workload | clients | ops/s | p50 µs | p99 µs | p99.9 µs | max µs | ops | errors | note |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (RunResult r : results) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %d | %d | %s |%n",
                    r.target(), r.workload(), r.clients(), num(r.opsPerSecond()), num(r.p50Micros()),
                    num(r.p99Micros()), num(r.p999Micros()), num(r.maxMicros()), r.ops(), r.errors(), r.note()));
        }
        return out.toString();
    }

    /**
     * One row per (workload, clients): Cachai next to the reference server of that protocol.
     * Throughput ratio above 1 and p99 ratio below 1 favour Cachai. A level given more than once
     * ({@code --clients 16,16,16}) pairs each reference run with the candidate's run of the same
     * repetition, so repeated A/Bs read pair by pair.
     */
    public static String comparison(List<RunResult> results, String candidate) {
        StringBuilder out = new StringBuilder();
        out.append("| workload | clients | reference | ref ops/s | ").append(candidate).append(" ops/s | ops ratio | ref p50/p99 µs | ")
                .append(candidate).append(" p50/p99 µs | p99 ratio | errors ref/").append(candidate).append(" |\n");
        out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Integer> seen = new HashMap<>();
        for (RunResult ref : results) {
            if (ref.target().equals(candidate)) {
                continue;
            }
            int repetition = seen.merge(ref.target() + "/" + ref.workload() + "/" + ref.clients(), 1, Integer::sum) - 1;
            Optional<RunResult> mine = find(results, candidate, ref.workload(), ref.clients(), repetition);
            out.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    ref.workload(), ref.clients(), ref.target(), cell(ref, ref.opsPerSecond()),
                    mine.map(m -> cell(m, m.opsPerSecond())).orElse("—"),
                    mine.map(m -> ratio(m.opsPerSecond(), ref.opsPerSecond(), m, ref)).orElse("—"),
                    latencies(ref), mine.map(ResultTables::latencies).orElse("—"),
                    mine.map(m -> ratio(m.p99Micros(), ref.p99Micros(), m, ref)).orElse("—"),
                    ref.errors() + "/" + mine.map(m -> Long.toString(m.errors())).orElse("—")));
        }
        return out.toString();
    }

    /** The {@code repetition}-th run (from 0) of a target at a workload and level. */
    private static Optional<RunResult> find(List<RunResult> results, String target, String workload, int clients,
                                            int repetition) {
        return results.stream()
                .filter(r -> r.target().equals(target) && r.workload().equals(workload) && r.clients() == clients)
                .skip(repetition)
                .findFirst();
    }

    private static String cell(RunResult r, double value) {
        return r.ran() ? num(value) : "n/a";
    }

    private static String latencies(RunResult r) {
        return r.ran() ? num(r.p50Micros()) + " / " + num(r.p99Micros()) : "n/a";
    }

    private static String ratio(double mine, double ref, RunResult m, RunResult r) {
        if (!m.ran() || !r.ran() || ref == 0) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f×", mine / ref);
    }

    static String num(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
