package dev.cachai.bench;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.LoadSettings;
import dev.cachai.bench.load.ResultJson;
import dev.cachai.bench.load.ResultTables;
import dev.cachai.bench.load.RunResult;
import dev.cachai.bench.load.WorkloadCatalog;
import dev.cachai.bench.failover.FailoverProbe;
import dev.cachai.bench.server.CachaiClusterLauncher;
import dev.cachai.bench.server.CachaiLauncher;
import dev.cachai.bench.server.ClusterLauncher;
import dev.cachai.bench.server.EtcdClusterLauncher;
import dev.cachai.bench.server.ZooKeeperEnsembleLauncher;
import dev.cachai.bench.server.EtcdLauncher;
import dev.cachai.bench.server.ServerLauncher;
import dev.cachai.bench.server.ZooKeeperLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Starts each target in turn (Cachai, real etcd, real ZooKeeper; single node or, with
 * {@code --cluster 3}, three members each on loopback, fsync on),
 * runs the same workloads against it, stops it, then prints Cachai's ratio to each real server.
 * Targets run one at a time so they never share the machine's two cores with each other; with
 * {@code --interleave true} all are up at once and each row runs on every target in turn.
 */
final class CompareCommand {
    private static final String CANDIDATE = "cachai";
    /** Another Cachai build ({@code --baseline-jar}) as the reference of both protocols: an A/B of two builds. */
    private static final String BASELINE = "baseline";

    private final Args args;
    private final LoadSettings settings;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<FailoverProbe.Outcome> failovers = new ArrayList<>();

    CompareCommand(Args args) {
        this.args = args;
        this.settings = args.loadSettings();
    }

    int run() throws IOException {
        boolean interleave = args.string("interleave", "false").equals("true");
        int repeats = repeats();
        if (repeats > 1 && !interleave) {
            throw new IllegalArgumentException("--repeat needs --interleave true: repeated rows take turns across targets");
        }
        java.time.Duration rowWarmup = args.duration("row-warmup", java.time.Duration.ZERO);
        BenchSession session = new BenchSession(settings, WorkloadCatalog.select(args.list("workloads", List.of())),
                rowWarmup);
        Path workRoot = Files.createTempDirectory("cachai-bench-");
        describeEnvironment();
        environment.put("repeat", Integer.toString(repeats));
        environment.put("rowWarmup", rowWarmup.toString());
        List<RunResult> results = interleave
                ? runInterleaved(launchers(), session, workRoot, repeats)
                : runEachInTurn(launchers(), session, workRoot);
        System.out.println(report(results));
        Path json = ResultJson.write(resultsDir(), "compare", environment, results);
        System.out.println("JSON: " + json.toAbsolutePath());
        if (!args.has("keep-data")) {
            keepServerLogsIfErrors(results, workRoot, json);
            deleteTree(workRoot);
        }
        return 0;
    }

    /** {@code --repeat N}: how many times each interleaved row runs per target. */
    private int repeats() {
        int repeats = args.integer("repeat", 1);
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeat needs at least 1, got " + repeats);
        }
        return repeats;
    }

    private List<ServerLauncher> launchers() {
        int clusterSize = args.integer("cluster", 1);
        environment.put("clusterSize", Integer.toString(clusterSize));
        environment.put("serverWarmup", args.duration("server-warmup", java.time.Duration.ZERO).toString());
        return clusterSize > 1 ? clusterLaunchers(clusterSize) : singleLaunchers();
    }

    /** Every member of a cluster on this one host: their JVMs share the cores, so each gets less heap. */
    private List<ServerLauncher> clusterLaunchers(int size) {
        String heap = args.string("server-heap", "1g");
        List<ServerLauncher> all = new ArrayList<>();
        for (String name : args.list("targets", List.of(CANDIDATE, "etcd", "zookeeper"))) {
            if (name.equals(CANDIDATE)) {
                all.add(new CachaiClusterLauncher(Path.of(args.string("cachai-jar", "server/target/cachai-server.jar")),
                        heap, size, CANDIDATE, jvmOptions()));
            } else if (name.equals(BASELINE)) {
                all.add(new CachaiClusterLauncher(baselineJar(), heap, size, BASELINE, baselineJvmOptions()));
            } else if (name.equals("etcd")) {
                all.add(new EtcdClusterLauncher(Path.of(args.string("etcd-bin", "/usr/bin/etcd")), size));
            } else if (name.equals("zookeeper")) {
                all.add(new ZooKeeperEnsembleLauncher(heap, size));
            } else {
                throw new IllegalArgumentException("unknown target " + name + " (cachai, etcd, zookeeper, baseline)");
            }
        }
        return all;
    }

    private List<ServerLauncher> singleLaunchers() {
        String heap = args.string("server-heap", "2g");
        List<ServerLauncher> all = new ArrayList<>();
        for (String name : args.list("targets", List.of(CANDIDATE, "etcd", "zookeeper"))) {
            if (name.equals(CANDIDATE)) {
                all.add(new CachaiLauncher(Path.of(args.string("cachai-jar", "server/target/cachai-server.jar")), heap,
                        CANDIDATE, jvmOptions()));
            } else if (name.equals(BASELINE)) {
                all.add(new CachaiLauncher(baselineJar(), heap, BASELINE, baselineJvmOptions()));
            } else if (name.equals("etcd")) {
                all.add(new EtcdLauncher(Path.of(args.string("etcd-bin", "/usr/bin/etcd"))));
            } else if (name.equals("zookeeper")) {
                all.add(new ZooKeeperLauncher(heap));
            } else {
                throw new IllegalArgumentException("unknown target " + name + " (cachai, etcd, zookeeper, baseline)");
            }
        }
        return all;
    }

    /** {@code --cachai-jvm-opts "-XX:... -XX:..."}: JVM options for every Cachai server started. */
    private List<String> jvmOptions() {
        return splitOptions(args.string("cachai-jvm-opts", ""));
    }

    /**
     * {@code --baseline-jvm-opts "..."}: the baseline's JVM options where they differ (an A/B of
     * JVM settings on one build); {@code --cachai-jvm-opts} otherwise.
     */
    private List<String> baselineJvmOptions() {
        return args.has("baseline-jvm-opts") ? splitOptions(args.string("baseline-jvm-opts", "")) : jvmOptions();
    }

    private static List<String> splitOptions(String text) {
        String opts = text.trim();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    private Path baselineJar() {
        if (!args.has("baseline-jar")) {
            throw new IllegalArgumentException("target baseline needs --baseline-jar");
        }
        return Path.of(args.string("baseline-jar", ""));
    }

    private List<RunResult> runEachInTurn(List<ServerLauncher> launchers, BenchSession session, Path workRoot) {
        environment.put("order", "each target in turn, alone on the machine");
        List<RunResult> results = new ArrayList<>();
        for (ServerLauncher launcher : launchers) {
            results.addAll(runTarget(launcher, session, workRoot));
        }
        return results;
    }

    /**
     * {@code --interleave true}: every target is started and warmed up first, then each row runs on
     * the targets one after another. The idle targets stay up meanwhile (their heartbeats cost
     * little), which is the price for rows measured close together in time.
     */
    private List<RunResult> runInterleaved(List<ServerLauncher> launchers, BenchSession session, Path workRoot,
                                           int repeats) {
        environment.put("order", "interleaved: each row on every target in turn, all targets up");
        List<ServerLauncher> up = new ArrayList<>();
        List<Endpoints> targets = new ArrayList<>();
        Thread stopOnExit = new Thread(() -> up.forEach(ServerLauncher::close), "stop-targets");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            for (ServerLauncher launcher : launchers) {
                startAndWarm(launcher, session, workRoot).ifPresent(endpoints -> {
                    up.add(launcher);
                    targets.add(endpoints);
                });
            }
            List<RunResult> results = session.runInterleaved(targets, leadersPlacedBeforeEachRow(up), repeats);
            for (int i = 0; i < up.size(); i++) {
                tryFailover(up.get(i), targets.get(i));
            }
            return results;
        } finally {
            up.forEach(ServerLauncher::close);
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    /** Starts a target and runs its warm-up pass; empty (and recorded) when it cannot run. */
    private Optional<Endpoints> startAndWarm(ServerLauncher launcher, BenchSession session, Path workRoot) {
        Optional<String> unavailable = launcher.unavailableReason();
        if (unavailable.isPresent()) {
            System.err.println("[bench] skipping " + launcher.name() + ": " + unavailable.get());
            environment.put("skipped." + launcher.name(), unavailable.get());
            return Optional.empty();
        }
        try {
            Endpoints endpoints = launcher.start(Files.createDirectories(workRoot.resolve(launcher.name())));
            System.err.printf("[bench] %s up at %s; %d runs of ~%ds each%n", launcher.name(), endpoints,
                    session.runsFor(endpoints), settings.warmup().plus(settings.measure()).toSeconds());
            session.warmUp(endpoints, args.duration("server-warmup", java.time.Duration.ZERO));
            return Optional.of(endpoints);
        } catch (Exception e) {
            launcher.close();
            System.err.println("[bench] " + launcher.name() + " failed to start: " + e.getMessage());
            environment.put("failed." + launcher.name(), String.valueOf(e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * In a cluster comparison, every target's leader on one member before each row ({@link
     * LeaderPlacement}; {@code --leader-at N} picks the member); recorded in the environment.
     */
    private Runnable leadersPlacedBeforeEachRow(List<ServerLauncher> up) {
        int clusterSize = args.integer("cluster", 1);
        if (clusterSize <= 1 || args.string("place-leaders", "true").equals("false")) {
            return () -> {};
        }
        LeaderPlacement placement;
        try {
            placement = LeaderPlacement.choose(up, args.has("leader-at")
                    ? OptionalInt.of(args.integer("leader-at", 0)) : OptionalInt.empty(), clusterSize);
        } catch (Exception e) {
            environment.put("leaders", "not placed: " + e);
            return () -> {};
        }
        String key = "leaders" + (up.size() == 1 ? "." + up.get(0).name() : "");
        return () -> {
            placement.apply(up);
            environment.put(key, placement.describe(up));
        };
    }

    private void tryFailover(ServerLauncher launcher, Endpoints endpoints) {
        try {
            maybeFailover(launcher, endpoints);
        } catch (Exception e) {
            System.err.println("[bench] failover of " + launcher.name() + " failed: " + e);
            environment.put("failover." + launcher.name(), "failed: " + e);
        }
    }

    private List<RunResult> runTarget(ServerLauncher launcher, BenchSession session, Path workRoot) {
        Thread stopOnExit = new Thread(launcher::close, "stop-" + launcher.name());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try (launcher) {
            Optional<Endpoints> endpoints = startAndWarm(launcher, session, workRoot);
            if (endpoints.isEmpty()) {
                return List.of();
            }
            List<RunResult> results = session.runAll(endpoints.get(), leadersPlacedBeforeEachRow(List.of(launcher)));
            tryFailover(launcher, endpoints.get());
            return results;
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    /** {@code --failover true}: crash the leader under load, after the workloads (the cluster is spent then). */
    private void maybeFailover(ServerLauncher launcher, Endpoints endpoints) throws Exception {
        if (!args.string("failover", "false").equals("true") || !(launcher instanceof ClusterLauncher cluster)
                || !endpoints.serves(dev.cachai.bench.load.Protocol.ETCD)) {
            return;
        }
        FailoverProbe.Outcome outcome = FailoverProbe.run(cluster, endpoints,
                args.duration("failover-before", Duration.ofSeconds(3)),
                args.duration("failover-after", Duration.ofSeconds(10)));
        System.err.println("[bench] failover " + outcome);
        failovers.add(outcome);
        environment.put("failover." + launcher.name(), outcome.toString());
    }

    private String report(List<RunResult> results) {
        StringBuilder out = new StringBuilder("\n## Cachai vs real servers\n\n");
        environment.forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append('\n'));
        if (!failovers.isEmpty()) {
            out.append("\n### Failover (kill -9 of the leader under a put load)\n\n");
            failovers.forEach(f -> out.append("- ").append(f).append('\n'));
        }
        out.append('\n').append(ResultTables.comparison(results, CANDIDATE));
        out.append("\n### All runs\n\n").append(ResultTables.single(results));
        return out.toString();
    }

    private void describeEnvironment() {
        environment.put("date", Instant.now().toString());
        environment.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        environment.put("java", System.getProperty("java.version"));
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        environment.put("settings", settings.toString());
        environment.put("loadGenerator", "same host as the server (loopback)");
    }

    private Path resultsDir() {
        String fallback = Files.isDirectory(Path.of("bench")) ? "bench/results" : "results";
        return Path.of(args.string("results-dir", fallback));
    }

    /**
     * A run with errors keeps the servers' logs beside its JSON ({@code NAME-logs/}), so an error
     * seen once can be looked into after the data directories are gone.
     */
    private static void keepServerLogsIfErrors(List<RunResult> results, Path workRoot, Path json) throws IOException {
        if (results.stream().noneMatch(r -> r.errors() > 0)) {
            return;
        }
        Path kept = json.resolveSibling(json.getFileName().toString().replace(".json", "-logs"));
        try (Stream<Path> paths = Files.walk(workRoot)) {
            for (Path log : paths.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                Path target = kept.resolve(workRoot.relativize(log));
                Files.createDirectories(target.getParent());
                Files.copy(log, target);
            }
        }
        System.out.println("Runs had errors; the servers' logs are kept in " + kept.toAbsolutePath());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
