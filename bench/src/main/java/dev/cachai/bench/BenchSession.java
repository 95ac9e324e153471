package dev.cachai.bench;

import dev.cachai.bench.load.Driver;
import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.LoadSettings;
import dev.cachai.bench.load.MedianRun;
import dev.cachai.bench.load.Protocol;
import dev.cachai.bench.load.RunResult;
import dev.cachai.bench.load.Workload;
import dev.cachai.bench.load.WorkloadCatalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Runs the selected workloads at every concurrency level against one target, logging progress. */
final class BenchSession {
    private final LoadSettings settings;
    private final Map<String, Supplier<Workload>> workloads;
    /** An unmeasured run of each row on every target before its measured runs; zero: none. */
    private final Duration rowWarmup;

    BenchSession(LoadSettings settings, Map<String, Supplier<Workload>> workloads) {
        this(settings, workloads, Duration.ZERO);
    }

    BenchSession(LoadSettings settings, Map<String, Supplier<Workload>> workloads, Duration rowWarmup) {
        this.settings = settings;
        this.workloads = workloads;
        this.rowWarmup = rowWarmup;
    }

    /**
     * A protocol whose set-up failed this many times in a row is given up for this target, so a
     * broken endpoint costs a few connect timeouts rather than one per remaining run.
     */
    private static final int SETUP_FAILURES_MAX = 2;

    /** Every workload at every level on one target. */
    List<RunResult> runAll(Endpoints target, Runnable beforeRow) {
        return runInterleaved(List.of(target), beforeRow, 1);
    }

    /**
     * Every workload at every level on each target in turn ({@code compare --interleave true}): the
     * targets' runs of one row are minutes apart at most, so a change in the host's speed during
     * a long comparison weighs on every target alike rather than on whichever ran then.
     * {@code beforeRow} runs before each row's first target (leader placement in clusters).
     * With {@code repeats} above one, each row runs that many times on every target, the targets'
     * order rotating each time so none always goes first, and each target's median run stands
     * for the row ({@link MedianRun}).
     */
    List<RunResult> runInterleaved(List<Endpoints> targets, Runnable beforeRow, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1: " + repeats);
        }
        Driver driver = new Driver(settings);
        List<RunResult> results = new ArrayList<>();
        List<Map<Protocol, Integer>> failures = new ArrayList<>();
        targets.forEach(t -> failures.add(new EnumMap<>(Protocol.class)));
        for (String workload : workloads.keySet()) {
            for (int clients : settings.clientsLevels()) {
                warmRow(targets, workload, clients);
                List<List<RunResult>> runs = new ArrayList<>();
                targets.forEach(t -> runs.add(new ArrayList<>()));
                for (int repeat = 0; repeat < repeats; repeat++) {
                    beforeRow.run();
                    for (int i : rotatedOrder(targets.size(), repeat)) {
                        runOne(driver, targets.get(i), workload, clients, failures.get(i)).ifPresent(runs.get(i)::add);
                    }
                }
                for (List<RunResult> targetRuns : runs) {
                    if (!targetRuns.isEmpty()) {
                        results.add(MedianRun.of(targetRuns));
                    }
                }
            }
        }
        return results;
    }

    /**
     * {@code --row-warmup}: the row once on every target, unmeasured. The server warm-up pass runs
     * each workload once, long before its rows, with every other workload in between; a JVM (a
     * JVM server's or the load generator's) then met some rows still compiling: eight runs of one
     * etcd watch row rose from 13k to 38k events/s, while after 30 s of that row they held at
     * 31-45k (bench/HISTORY.md).
     */
    private void warmRow(List<Endpoints> targets, String workload, int clients) {
        if (rowWarmup.isZero()) {
            return;
        }
        Driver driver = new Driver(settings.unmeasuredPass(rowWarmup));
        for (Endpoints target : targets) {
            if (target.serves(WorkloadCatalog.protocolOf(workload))) {
                logUnmeasured("row warm-up", driver.run(target, workloads.get(workload), clients));
            }
        }
    }

    /** Target indexes starting at {@code repeat mod count}: 0,1,2 then 1,2,0 then 2,0,1. */
    static int[] rotatedOrder(int count, int repeat) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = (i + repeat) % count;
        }
        return order;
    }

    /** One measured run, unless the target does not serve the protocol; logs its progress line. */
    private Optional<RunResult> runOne(Driver driver, Endpoints target, String workload, int clients,
                                       Map<Protocol, Integer> failuresInRow) {
        Protocol protocol = WorkloadCatalog.protocolOf(workload);
        if (!target.serves(protocol)) {
            return Optional.empty();
        }
        RunResult r = failuresInRow.getOrDefault(protocol, 0) >= SETUP_FAILURES_MAX
                ? RunResult.skipped(target.name(), workload, clients, "skipped: " + protocol + " set-up kept failing")
                : driver.run(target, workloads.get(workload), clients);
        if (r.setupFailed()) {
            failuresInRow.merge(protocol, 1, Integer::sum);
        } else if (r.ran()) {
            failuresInRow.put(protocol, 0);
        }
        System.err.println(progressLine(r));
        return Optional.of(r);
    }

    /**
     * One unmeasured pass over every served workload at the highest concurrency level, {@code each}
     * long, before {@link #runAll}: a JVM server (Cachai, ZooKeeper) then answers the measured runs
     * with its hot paths compiled, as it would after minutes in production, rather than meeting the
     * first workload of the table cold. Every target gets the same pass.
     */
    void warmUp(Endpoints target, Duration each) {
        if (each.isZero()) {
            return;
        }
        Driver driver = new Driver(settings.unmeasuredPass(each));
        int clients = settings.clientsLevels().stream().mapToInt(Integer::intValue).max().orElse(1);
        for (Map.Entry<String, Supplier<Workload>> w : workloads.entrySet()) {
            if (target.serves(WorkloadCatalog.protocolOf(w.getKey()))) {
                logUnmeasured("warm-up", driver.run(target, w.getValue(), clients));
            }
        }
    }

    /** Runs whose protocol the target serves, for the up-front time estimate. */
    int runsFor(Endpoints target) {
        return (int) workloads.keySet().stream()
                .filter(name -> target.serves(WorkloadCatalog.protocolOf(name))).count()
                * settings.clientsLevels().size();
    }

    private static void logUnmeasured(String pass, RunResult r) {
        System.err.println("[bench] " + pass + " " + progressLine(r).substring("[bench] ".length()));
    }

    private static String progressLine(RunResult r) {
        return String.format(Locale.ROOT, "[bench] %-9s %-24s clients=%-3d ops/s=%10.0f p50=%8.0fµs p99=%8.0fµs errors=%d %s",
                r.target(), r.workload(), r.clients(), r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.errors(), r.note());
    }
}
