package dev.cachai.bench.paxos;

import dev.cachai.bench.Args;
import dev.cachai.engine.CommandGateway;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code paxos}: three cluster nodes in this JVM over loopback TCP with fsyncing WALs; closed-loop
 * Puts at the leader at each proposer count; commits/s, latency and WAL fsyncs per commit.
 */
public final class PaxosCommand {
    private static final int NODES = 3;
    private static final double NANOS_PER_MS = 1e6;

    private final Args args;

    public PaxosCommand(Args args) {
        this.args = args;
    }

    public int run() throws Exception {
        List<Integer> levels = args.list("proposers", List.of("1", "256")).stream().map(Integer::parseInt).toList();
        int valueBytes = args.integer("value-bytes", 256);
        Duration warmup = args.duration("warmup", Duration.ofSeconds(3));
        Duration measure = args.duration("duration", Duration.ofSeconds(10));
        Path root = args.has("dir") ? Files.createDirectories(Path.of(args.string("dir", "")))
                : Files.createTempDirectory("cachai-paxos-bench");
        List<ClosedLoop.Outcome> outcomes = new ArrayList<>();
        try (LocalCluster cluster = LocalCluster.start(root.resolve("run-" + System.currentTimeMillis()), NODES)) {
            boolean viaFollower = args.string("via", "leader").equals("follower");
            CommandGateway gateway = viaFollower ? cluster.follower() : cluster.awaitLeader();
            for (int proposers : levels) {
                ClosedLoop.Outcome outcome = ClosedLoop.run(gateway, proposers, valueBytes, warmup, measure);
                System.out.println(row(outcome));
                outcomes.add(outcome);
            }
        } finally {
            if (!args.has("keep-dir")) {
                deleteTree(root);
            }
        }
        System.out.println();
        System.out.println(table(valueBytes, args.string("via", "leader"), outcomes));
        return 0;
    }

    static String table(int valueBytes, String via, List<ClosedLoop.Outcome> outcomes) {
        StringBuilder out = new StringBuilder();
        out.append("3 nodes in-process, loopback TCP, fsyncing WALs, Put of ").append(valueBytes)
                .append("-byte values proposed at the ").append(via).append("\n");
        out.append(String.format("%10s %12s %9s %9s %9s %9s %8s %14s %14s%n", "proposers", "commits/s", "p50 ms",
                "p99 ms", "p99.9 ms", "max ms", "errors", "fsyncs/commit", "per node"));
        outcomes.forEach(o -> out.append(row(o)).append('\n'));
        return out.toString();
    }

    private static String row(ClosedLoop.Outcome o) {
        Histogram h = o.latencyNanos();
        return String.format("%10d %12.0f %9.2f %9.2f %9.2f %9.2f %8d %14.3f %14.3f", o.proposers(),
                o.commitsPerSecond(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), o.errors(), o.fsyncsPerCommit(),
                o.fsyncsPerCommit() / NODES);
    }

    private static double ms(long nanos) {
        return nanos / NANOS_PER_MS;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
