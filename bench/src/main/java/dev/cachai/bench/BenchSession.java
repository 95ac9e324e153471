package dev.cachai.bench;

import dev.cachai.bench.load.Driver;
import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.LoadSettings;
import dev.cachai.bench.load.RunResult;
import dev.cachai.bench.load.Workload;
import dev.cachai.bench.load.WorkloadCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Runs the selected workloads at every concurrency level against one target, logging progress. */
final class BenchSession {
    private final LoadSettings settings;
    private final Map<String, Supplier<Workload>> workloads;

    BenchSession(LoadSettings settings, Map<String, Supplier<Workload>> workloads) {
        this.settings = settings;
        this.workloads = workloads;
    }

    List<RunResult> runAll(Endpoints target) {
        Driver driver = new Driver(settings);
        List<RunResult> results = new ArrayList<>();
        for (Map.Entry<String, Supplier<Workload>> w : workloads.entrySet()) {
            if (!target.serves(WorkloadCatalog.protocolOf(w.getKey()))) {
                continue;
            }
            for (int clients : settings.clientsLevels()) {
                RunResult r = driver.run(target, w.getValue(), clients);
                System.err.println(progressLine(r));
                results.add(r);
            }
        }
        return results;
    }

    /** Runs whose protocol the target serves, for the up-front time estimate. */
    int runsFor(Endpoints target) {
        return (int) workloads.keySet().stream()
                .filter(name -> target.serves(WorkloadCatalog.protocolOf(name))).count()
                * settings.clientsLevels().size();
    }

    private static String progressLine(RunResult r) {
        return String.format(Locale.ROOT, "[bench] %-9s %-24s clients=%-3d ops/s=%10.0f p50=%8.0fµs p99=%8.0fµs errors=%d %s",
                r.target(), r.workload(), r.clients(), r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.errors(), r.note());
    }
}
