package dev.cachai.migration.zk;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes nodes into the target. The fast path is a multi of creates per batch; a batch that fails (some node already
 * exists, so this is a re-run) is redone node by node as create-or-overwrite, skipping identical nodes. The target
 * processes one session's requests in order, so a parent's create always lands before its children's.
 */
public final class ZkTreeWriter implements NodeSink {
    static final int BATCH_NODES_MAX = 100;
    /** Well under the target's 1 MiB packet limit even with framing. */
    static final int BATCH_BYTES_MAX = 512 << 10;
    static final int BATCHES_INFLIGHT_MAX = 8;
    /** Parents remembered for the sequence-counter and ACL passes. */
    static final int PARENTS_TRACKED_MAX = 20_000_000;

    private final ZooKeeper zk;
    private final Report report;
    private final Progress progress;
    private final Admission admission;
    private final Semaphore batchPermits = new Semaphore(BATCHES_INFLIGHT_MAX);
    private final Inflight inflight = new Inflight();
    private final List<ZkNode> parents = new ArrayList<>();
    private final AtomicReference<MigrationException> failure = new AtomicReference<>();
    private List<ZkNode> batch = new ArrayList<>();
    private int batchBytes;

    public ZkTreeWriter(ZooKeeper zk, Report report, Progress progress, Admission admission) {
        this.zk = zk;
        this.report = report;
        this.progress = progress;
        this.admission = admission;
    }

    @Override
    public void accept(ZkNode source) throws InterruptedException {
        checkFailure();
        ZkNode node = admission.admit(source);
        if (node == null) {
            return;
        }
        trackParent(parents, node);
        if (node.path().equals("/")) {
            // The root always exists (and cannot be created): compare and overwrite it alone.
            inflight.begin();
            new Overwrite(zk, report, node, this::finished).start();
            return;
        }
        if (batch.size() >= BATCH_NODES_MAX || batchBytes + node.requestBytes() > BATCH_BYTES_MAX) {
            flush();
        }
        batch.add(node);
        batchBytes += node.requestBytes();
    }

    /** Remembers a node that has or had children, for the sequence-counter (and ACL) pass after the copy. */
    static void trackParent(List<ZkNode> parents, ZkNode node) {
        if (node.cversion() == 0 && node.numChildren() == 0) {
            return;
        }
        if (parents.size() >= PARENTS_TRACKED_MAX) {
            throw new MigrationException("more than " + PARENTS_TRACKED_MAX + " parent nodes");
        }
        parents.add(node);
    }

    /** Sends the open batch. Called by the reader thread and at the end. */
    public void flush() throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        List<ZkNode> nodes = batch;
        batch = new ArrayList<>();
        batchBytes = 0;
        batchPermits.acquire();
        inflight.begin();
        List<Op> ops = new ArrayList<>(nodes.size());
        for (ZkNode n : nodes) {
            ops.add(Op.create(n.path(), n.data(), TargetNode.creationAcl(n), TargetNode.mode(n), TargetNode.ttlMs(n)));
        }
        zk.multi(ops, (rc, path, ctx, results) -> {
            try {
                if (rc == KeeperException.Code.OK.intValue()) {
                    report.count(Report.Count.CREATED, nodes.size());
                    progress.add(nodes.size());
                } else if (fatal(rc)) {
                    fail("writing to the target failed: " + KeeperException.Code.get(rc));
                } else {
                    for (ZkNode n : nodes) {
                        inflight.begin();
                        createOrOverwrite(n);
                    }
                }
            } finally {
                batchPermits.release();
                inflight.end();
            }
        }, null);
    }

    /** Waits until every write sent so far has been answered. */
    public void awaitIdle() throws InterruptedException {
        flush();
        inflight.awaitZero();
        checkFailure();
    }

    public List<ZkNode> parents() {
        return parents;
    }

    private void createOrOverwrite(ZkNode n) {
        zk.create(n.path(), n.data(), TargetNode.creationAcl(n), TargetNode.mode(n), (rc, path, ctx, name, stat) -> {
            KeeperException.Code code = KeeperException.Code.get(rc);
            if (code == KeeperException.Code.OK) {
                report.count(Report.Count.CREATED);
                finished();
            } else if (code == KeeperException.Code.NODEEXISTS || code == KeeperException.Code.NOAUTH) {
                // NOAUTH: the parent's real ACL (from an earlier run) forbids create; the node may well be there.
                new Overwrite(zk, report, n, this::finished).start();
            } else {
                failed(n.path(), "create", code);
            }
        }, null, TargetNode.ttlMs(n));
    }

    private void finished() {
        progress.add(1);
        inflight.end();
    }

    private void failed(String path, String what, KeeperException.Code code) {
        if (fatal(code.intValue())) {
            fail("writing to the target failed: " + code);
        } else {
            report.issue(Report.Count.FAILED, "failed: " + what + " " + path + ": " + code);
        }
        finished();
    }

    static boolean fatal(int rc) {
        KeeperException.Code code = KeeperException.Code.get(rc);
        return code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.SESSIONEXPIRED
                || code == KeeperException.Code.SESSIONMOVED || code == KeeperException.Code.AUTHFAILED;
    }

    private void fail(String message) {
        failure.compareAndSet(null, new MigrationException(message));
    }

    private void checkFailure() {
        MigrationException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** The real ACLs of parents created open, set after their children exist, deepest first. */
    public void applyDeferredAcls() throws InterruptedException {
        Semaphore permits = new Semaphore(BATCHES_INFLIGHT_MAX * BATCH_NODES_MAX);
        for (int i = parents.size() - 1; i >= 0; i--) {
            ZkNode n = parents.get(i);
            if (!TargetNode.aclDeferred(n) || admission.skipped(n.path())) {
                continue;
            }
            permits.acquire();
            inflight.begin();
            List<ACL> acl = n.acl();
            zk.setACL(n.path(), acl, -1, (rc, path, ctx, stat) -> {
                if (rc == KeeperException.Code.OK.intValue()) {
                    permits.release();
                    inflight.end();
                    return;
                }
                // Without ADMIN the ACL may still be right already (set by an earlier run): then all is well.
                zk.getACL(path, null, (rc2, p2, ctx2, current, s2) -> {
                    if (rc2 != KeeperException.Code.OK.intValue() || !acl.equals(current)) {
                        report.issue(Report.Count.FAILED, "failed: setACL " + path + ": " + KeeperException.Code.get(rc));
                    }
                    permits.release();
                    inflight.end();
                }, null);
            }, null);
        }
        inflight.awaitZero();
    }
}
