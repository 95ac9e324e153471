package dev.cachai.migration.zk;

import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import dev.cachai.migration.datadir.BootstrapEngine;
import org.apache.zookeeper.KeeperException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes nodes into the engine a new data directory is built from: the creates the live copy sends through a
 * server's ZooKeeper port, applied in memory as the super user (so no parent has to be opened for its children and
 * closed again), each stamped with the source node's mtime, so a TTL node expires when it would have in the source.
 * Sequence counters are then raised to the source's with throwaway children, as the live copy does.
 */
public final class EngineTreeWriter implements NodeSink {
    private static final byte[] EMPTY = new byte[0];

    private final BootstrapEngine engine;
    private final Report report;
    private final Progress progress;
    private final Admission admission;
    private final List<ZkNode> parents = new ArrayList<>();

    public EngineTreeWriter(BootstrapEngine engine, Report report, Progress progress, Admission admission) {
        this.engine = engine;
        this.report = report;
        this.progress = progress;
        this.admission = admission;
    }

    /** A subtree copied on its own gets its ancestors empty and open, as the live copy creates them. */
    public void createAncestors(String root) {
        for (String path : ZkMigration.ancestors(root)) {
            apply("create", path, engine.startedMs(), List.of(new ZkOp.Create(path, EMPTY, Acl.OPEN_ACL_UNSAFE,
                    dev.cachai.engine.zk.NodeKind.PERSISTENT, -1)));
        }
    }

    @Override
    public void accept(ZkNode source) {
        ZkNode node = admission.admit(source);
        if (node == null) {
            return;
        }
        ZkTreeWriter.trackParent(parents, node);
        long timeMs = node.mtimeMs() > 0 ? node.mtimeMs() : engine.startedMs();
        if (node.path().equals("/")) {
            List<ZkOp> ops = rootChanges(node);
            if (ops.isEmpty()) {
                report.count(Report.Count.IDENTICAL);
            } else if (apply("set", "/", timeMs, ops)) {
                report.count(Report.Count.UPDATED);
            }
        } else if (apply("create", node.path(), timeMs, List.of(new ZkOp.Create(node.path(), node.data(),
                TargetNode.engineAcl(node.acl()), TargetNode.engineKind(node), TargetNode.ttlMs(node))))) {
            report.count(Report.Count.CREATED);
        }
        progress.add(1);
    }

    /** The root always exists: its data and ACL are set where the source's differ. */
    private List<ZkOp> rootChanges(ZkNode node) {
        dev.cachai.engine.zk.ZkNode root = engine.zkNode("/");
        List<ZkOp> ops = new ArrayList<>(2);
        if (!Arrays.equals(root.data() == null ? EMPTY : root.data(), node.data())) {
            ops.add(new ZkOp.SetData("/", node.data(), -1));
        }
        List<Acl> acl = TargetNode.engineAcl(node.acl());
        if (!root.acl().equals(acl)) {
            ops.add(new ZkOp.SetAcl("/", acl, -1));
        }
        return ops;
    }

    /** Raises each copied parent's sequence counter to the source's, in multis of create+delete pairs. */
    public void alignCounters() {
        for (ZkNode parent : parents) {
            if (CversionAligner.leftAlone(parent) || admission.skipped(parent.path())) {
                continue;
            }
            dev.cachai.engine.zk.ZkNode copied = engine.zkNode(parent.path());
            if (copied != null) {
                bump(parent.path(), CversionAligner.pairsToAlign(parent, copied.stat().cversion(), report));
            }
        }
    }

    private void bump(String parent, long pairs) {
        String child = ZkTreeReader.child(parent, CversionAligner.THROWAWAY_NAME);
        for (long left = pairs; left > 0; left -= CversionAligner.PAIRS_PER_MULTI_MAX) {
            long n = Math.min(left, CversionAligner.PAIRS_PER_MULTI_MAX);
            List<ZkOp> ops = new ArrayList<>((int) (2 * n));
            for (int i = 0; i < n; i++) {
                ops.add(new ZkOp.Create(child, EMPTY, Acl.OPEN_ACL_UNSAFE, dev.cachai.engine.zk.NodeKind.PERSISTENT, -1));
                ops.add(new ZkOp.Delete(child, -1));
            }
            if (!apply("raising the sequence counter of", parent, engine.startedMs(), ops)) {
                return;
            }
        }
    }

    /** Applies one ZooKeeper write; a refusal is reported with ZooKeeper's code name, as the live copy reports it. */
    private boolean apply(String what, String path, long timeMs, List<ZkOp> ops) {
        ZkTxnResult result = (ZkTxnResult) engine.apply(timeMs, new ZkTxn(0, ZkIdentity.SUPER, ops, ops.size() > 1));
        if (result.err() == ZkCode.OK) {
            return true;
        }
        report.issue(Report.Count.FAILED, "failed: " + what + " " + path + ": " + KeeperException.Code.get(result.err()));
        return false;
    }
}
