package dev.cachai.migration.zk;

import dev.cachai.migration.BothSides;
import dev.cachai.migration.Endpoint;
import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import dev.cachai.migration.cli.Options;
import dev.cachai.migration.datadir.BootstrapEngine;
import dev.cachai.migration.datadir.DataDirTarget;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** migrate and verify for ZooKeeper sources. */
public final class ZkMigration {
    private final Options options;
    private final Report report;
    private final PrintStream err;

    public ZkMigration(Options options, Report report, PrintStream err) {
        this.options = options;
        this.report = report;
        this.err = err;
    }

    public void migrate() throws InterruptedException {
        if (options.target() != null && options.target().scheme() == Endpoint.Scheme.DATA_DIR && !options.dryRun()) {
            bootstrap();
            return;
        }
        String root = options.source().zkRoot();
        Admission admission = new Admission(report, options.ephemeralsAsPersistent());
        try (ZkSource source = openSource()) {
            Progress progress = new Progress("copy", err, options.progress());
            progress.expect(source.count(root));
            if (options.dryRun()) {
                source.walk(root, node -> {
                    if (admission.admit(node) != null) {
                        progress.add(1);
                    }
                });
                progress.finish();
                err.println("dry run: " + progress.done() + " nodes would be copied; nothing was written");
                return;
            }
            ZooKeeper target = ZkConnect.open("target", options.target().hostPort(), options.targetZkAuth(),
                    options.connectTimeout());
            try {
                createAncestors(target, root);
                ZkTreeWriter writer = new ZkTreeWriter(target, report, progress, admission);
                source.walk(root, writer);
                writer.awaitIdle();
                progress.finish();
                new CversionAligner(target, report).align(writer.parents());
                writer.applyDeferredAcls();
                err.printf("copied %d nodes in %.1f s (%.0f keys/s)%n", progress.done(), progress.elapsedSeconds(),
                        progress.rate());
            } finally {
                ZkConnect.closeQuietly(target);
            }
        }
    }

    /** Writes a new node's data directory from the source: the target is checked before the source is read. */
    private void bootstrap() throws InterruptedException {
        String root = options.source().zkRoot();
        Admission admission = new Admission(report, options.ephemeralsAsPersistent());
        try (DataDirTarget target = DataDirTarget.open(options.target().dir(), options.cluster());
             ZkSource source = openSource()) {
            Progress progress = new Progress("copy", err, options.progress());
            progress.expect(source.count(root));
            BootstrapEngine engine = new BootstrapEngine();
            EngineTreeWriter writer = new EngineTreeWriter(engine, report, progress, admission);
            writer.createAncestors(root);
            source.walk(root, writer);
            writer.alignCounters();
            target.finish(engine, progress, "nodes", err);
        }
    }

    public void verify() throws InterruptedException {
        String root = options.source().zkRoot();
        Digests expected = new Digests(new Admission(report, options.ephemeralsAsPersistent()));
        Digests actual = new Digests(null);
        BothSides.read(() -> {
            try (ZkSource source = openSource()) {
                source.walk(root, expected);
            }
            return expected;
        }, () -> readTarget(root, actual));
        compare(expected.entries(), actual.entries());
    }

    private Digests readTarget(String root, Digests into) throws InterruptedException {
        ZooKeeper target = ZkConnect.open("target", options.target().hostPort(), options.targetZkAuth(),
                options.connectTimeout());
        try (ZkSource t = new LiveZkSource(target, new Report())) {
            if (target.exists(root, false) != null) {
                t.walk(root, into);
            }
            return into;
        } catch (KeeperException e) {
            throw new MigrationException("reading the target failed: " + e.code());
        }
    }

    private void compare(Map<String, Digests.Entry> expected, Map<String, Digests.Entry> actual) {
        TreeSet<String> paths = new TreeSet<>(expected.keySet());
        paths.addAll(actual.keySet());
        for (String path : paths) {
            Digests.Entry want = expected.get(path);
            Digests.Entry got = actual.get(path);
            if (got == null) {
                report.issue(Report.Count.DIFFERENCES, "missing in target: " + path);
            } else if (want == null) {
                report.issue(Report.Count.DIFFERENCES, "only in target: " + path);
            } else if (want.digest() != got.digest()) {
                report.issue(Report.Count.DIFFERENCES, "differs: " + path + " source [" + want.shape() + "] target ["
                        + got.shape() + "]");
            } else if (got.cversion() < want.cversion()) {
                report.issue(Report.Count.DIFFERENCES, "sequence counter behind: " + path + " cversion "
                        + got.cversion() + " in the target, " + want.cversion() + " in the source");
            }
        }
        err.printf("verify: %d nodes expected, %d in target, %d differences%n", expected.size(), actual.size(),
                report.get(Report.Count.DIFFERENCES));
    }

    private ZkSource openSource() {
        Endpoint s = options.source();
        if (s.scheme() == Endpoint.Scheme.ZK_DATA) {
            File dir = s.dir().toFile();
            File logs = options.zkTxnLogDir() == null ? dir : new File(options.zkTxnLogDir());
            return new DataDirSource(dir, logs, report);
        }
        return new LiveZkSource(ZkConnect.open("source", s.hostPort(), options.sourceZkAuth(), options.connectTimeout()),
                report);
    }

    /** The ancestors of a subtree's root below "/", outermost first. */
    static List<String> ancestors(String root) {
        List<String> ancestors = new ArrayList<>();
        for (String p = Admission.parentOf(root); p != null && !p.equals("/"); p = Admission.parentOf(p)) {
            ancestors.add(0, p);
        }
        return ancestors;
    }

    /** A subtree copied on its own needs its ancestors; they are created empty and open, as etcd-made parents are. */
    private static void createAncestors(ZooKeeper target, String root) throws InterruptedException {
        for (String p : ancestors(root)) {
            try {
                target.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                // already there: fine
            } catch (KeeperException e) {
                throw new MigrationException("cannot create " + p + " in the target: " + e.code());
            }
        }
    }
}
