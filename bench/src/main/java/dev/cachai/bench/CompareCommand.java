package dev.cachai.bench;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.LoadSettings;
import dev.cachai.bench.load.ResultJson;
import dev.cachai.bench.load.ResultTables;
import dev.cachai.bench.load.RunResult;
import dev.cachai.bench.load.WorkloadCatalog;
import dev.cachai.bench.server.CachaiLauncher;
import dev.cachai.bench.server.EtcdLauncher;
import dev.cachai.bench.server.ServerLauncher;
import dev.cachai.bench.server.ZooKeeperLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Starts each target in turn (Cachai, real etcd, real ZooKeeper; single node, loopback, fsync on),
 * runs the same workloads against it, stops it, then prints Cachai's ratio to each real server.
 * Targets run one at a time so they never share the machine's two cores with each other.
 */
final class CompareCommand {
    private static final String CANDIDATE = "cachai";

    private final Args args;
    private final LoadSettings settings;
    private final Map<String, String> environment = new LinkedHashMap<>();

    CompareCommand(Args args) {
        this.args = args;
        this.settings = args.loadSettings();
    }

    int run() throws IOException {
        BenchSession session = new BenchSession(settings, WorkloadCatalog.select(args.list("workloads", List.of())));
        Path workRoot = Files.createTempDirectory("cachai-bench-");
        describeEnvironment();
        List<RunResult> results = new ArrayList<>();
        for (ServerLauncher launcher : launchers()) {
            results.addAll(runTarget(launcher, session, workRoot));
        }
        System.out.println(report(results));
        Path json = ResultJson.write(resultsDir(), "compare", environment, results);
        System.out.println("JSON: " + json.toAbsolutePath());
        if (!args.has("keep-data")) {
            deleteTree(workRoot);
        }
        return 0;
    }

    private List<ServerLauncher> launchers() {
        String heap = args.string("server-heap", "2g");
        List<ServerLauncher> all = new ArrayList<>();
        for (String name : args.list("targets", List.of(CANDIDATE, "etcd", "zookeeper"))) {
            if (name.equals(CANDIDATE)) {
                all.add(new CachaiLauncher(Path.of(args.string("cachai-jar", "server/target/cachai-server.jar")), heap));
            } else if (name.equals("etcd")) {
                all.add(new EtcdLauncher(Path.of(args.string("etcd-bin", "/usr/bin/etcd"))));
            } else if (name.equals("zookeeper")) {
                all.add(new ZooKeeperLauncher(heap));
            } else {
                throw new IllegalArgumentException("unknown target " + name + " (cachai, etcd, zookeeper)");
            }
        }
        return all;
    }

    private List<RunResult> runTarget(ServerLauncher launcher, BenchSession session, Path workRoot) {
        Optional<String> unavailable = launcher.unavailableReason();
        if (unavailable.isPresent()) {
            System.err.println("[bench] skipping " + launcher.name() + ": " + unavailable.get());
            environment.put("skipped." + launcher.name(), unavailable.get());
            return List.of();
        }
        Thread stopOnExit = new Thread(launcher::close, "stop-" + launcher.name());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try (launcher) {
            Endpoints endpoints = launcher.start(Files.createDirectories(workRoot.resolve(launcher.name())));
            System.err.printf("[bench] %s up at %s; %d runs of ~%ds each%n", launcher.name(), endpoints,
                    session.runsFor(endpoints), settings.warmup().plus(settings.measure()).toSeconds());
            return session.runAll(endpoints);
        } catch (Exception e) {
            System.err.println("[bench] " + launcher.name() + " failed to start: " + e.getMessage());
            environment.put("failed." + launcher.name(), String.valueOf(e.getMessage()));
            return List.of();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    private String report(List<RunResult> results) {
        StringBuilder out = new StringBuilder("\n## Cachai vs real servers\n\n");
        environment.forEach((k, v) -> out.append("- ").append(k).append(": ").append(v).append('\n'));
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

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
