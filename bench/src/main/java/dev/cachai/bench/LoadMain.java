package dev.cachai.bench;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.load.ResultJson;
import dev.cachai.bench.load.ResultTables;
import dev.cachai.bench.load.RunResult;
import dev.cachai.bench.load.WorkloadCatalog;
import dev.cachai.bench.paxos.PaxosCommand;
import dev.cachai.bench.probe.FsyncProbe;
import dev.cachai.bench.probe.HeapPerKey;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Entry point of cachai-bench.jar; see bench/README.md. */
public final class LoadMain {
    private static final String USAGE = String.join("\n",
            "usage: java -jar cachai-bench.jar <command> [--option value ...]",
            "  compare  start Cachai, etcd and ZooKeeper in turn and compare (--duration 8s --warmup 2s",
            "           --clients 1,16,128 --workloads etcd-put,zk-get --targets cachai,etcd,zookeeper",
            "           --cachai-jar server/target/cachai-server.jar --etcd-bin /usr/bin/etcd --server-heap 2g)",
            "           --server-warmup 4s: first an unmeasured pass of every workload at the top client level, so",
            "           JVM servers answer the table warm (every target gets it);",
            "           --row-warmup 4s: also one unmeasured run of each row on every target before its",
            "           measured runs, so the JVMs meet each row warm (off by default);",
            "           --cluster 3: three members per target on loopback (heap 1g each), clients spread over them;",
            "           every target's leader moved before each row to where ZooKeeper's leads (else the last",
            "           member; --leader-at N picks it, --place-leaders false leaves elections' choice);",
            "           --failover true: then kill -9 the leader under a put load (Cachai, etcd);",
            "           --interleave true: all targets up at once, each row run on every target in turn;",
            "           --repeat 3 (with --interleave): each row 3 times per target, the targets' order",
            "           rotating; each target's median-throughput run stands for the row",
            "           --targets cachai,baseline --baseline-jar OLD.jar: an A/B of two Cachai builds;",
            "           --cachai-jvm-opts \"-XX:...\": JVM options for every Cachai server started",
            "           --baseline-jvm-opts \"-XX:...\": the baseline's instead (an A/B of JVM settings)",
            "           --etcd-client grpc|jetcd: etcd workloads on grpc-java stubs (default) or jetcd",
            "           --zk-client wire|java: ZooKeeper workloads on our frames (default) or ZooKeeper's client",
            "  run      load an already running server: --etcd 127.0.0.1:2379 --zk 127.0.0.1:2181 --name x",
            "           (plus the load options above, --ops N, --conns 8, --value-bytes 256, --keys 1000)",
            "  list     print the workload names",
            "  paxos    3 cluster nodes in-process over loopback TCP with fsyncing WALs: commits/s, latency",
            "           and fsyncs per commit (--proposers 1,256 --duration 10s --warmup 3s --value-bytes 256",
            "           --via leader|follower --dir DIR --keep-dir true)",
            "  fsync    FsyncProbe: append+fsync loop (--dir DIR --duration 5s --record-bytes 512)",
            "  heap     HeapPerKey: engine heap overhead per key (--keys 1000000 --value-bytes 100)",
            "  jmh      the JMH microbenchmarks (arguments go to org.openjdk.jmh.Main)");

    private LoadMain() {}

    public static void main(String[] argv) throws Exception {
        int status;
        try {
            status = runCommand(argv);
        } catch (IllegalArgumentException e) {
            // A bad option: its message says which, a stack trace would only bury it.
            System.err.println("cachai-bench: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    private static int runCommand(String[] argv) throws Exception {
        String command = argv.length == 0 ? "help" : argv[0];
        String[] rest = Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length);
        int status;
        if (command.equals("compare")) {
            status = new CompareCommand(new Args(argv, 1)).run();
        } else if (command.equals("run")) {
            status = runAgainst(new Args(argv, 1));
        } else if (command.equals("list")) {
            WorkloadCatalog.names().forEach(System.out::println);
            status = 0;
        } else if (command.equals("paxos")) {
            status = new PaxosCommand(new Args(argv, 1)).run();
        } else if (command.equals("fsync")) {
            status = FsyncProbe.run(rest);
        } else if (command.equals("heap")) {
            status = HeapPerKey.run(rest);
        } else if (command.equals("jmh")) {
            org.openjdk.jmh.Main.main(rest);
            status = 0;
        } else {
            System.err.println(USAGE);
            status = command.equals("help") ? 0 : 2;
        }
        return status;
    }

    private static int runAgainst(Args args) throws Exception {
        List<String> etcd = args.list("etcd", List.of());
        List<String> zk = args.list("zk", List.of());
        if (etcd.isEmpty() && zk.isEmpty()) {
            System.err.println("run needs --etcd host:port and/or --zk host:port");
            return 2;
        }
        String name = args.string("name", "target");
        Endpoints target = new Endpoints(name, etcd, zk);
        BenchSession session = new BenchSession(args.loadSettings(), WorkloadCatalog.select(args.list("workloads", List.of())));
        List<RunResult> results = session.runAll(target, () -> {});
        System.out.println(ResultTables.single(results));
        if (args.has("results-dir")) {
            Path json = ResultJson.write(Path.of(args.string("results-dir", "")), name, Map.of("target", target.toString()), results);
            System.out.println("JSON: " + json.toAbsolutePath());
        }
        return 0;
    }
}
