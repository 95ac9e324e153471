package dev.cachai.migration.zk;

import dev.cachai.migration.Report;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * ZooKeeper names a sequential child after its parent's cversion, which counts every child ever created or deleted.
 * After the copy a target parent has only counted the creates we made, so we raise it to the source's value by
 * creating and deleting a throwaway child: each pair adds two. An odd gap (possible when ephemeral children were
 * skipped) is overshot by one, which keeps future names unique, and reported.
 */
public final class CversionAligner {
    static final String THROWAWAY_NAME = "__cachai_migrate_cversion";
    /** Create+delete pairs per multi: 128 ops, etcd's and Cachai's txn op limit. */
    static final int PAIRS_PER_MULTI_MAX = 64;
    static final int REQUESTS_INFLIGHT_MAX = 256;

    private final ZooKeeper zk;
    private final Report report;
    private final Semaphore permits = new Semaphore(REQUESTS_INFLIGHT_MAX);
    private final Inflight inflight = new Inflight();
    private final List<long[]> gaps = new ArrayList<>();
    private final List<String> gapPaths = new ArrayList<>();

    public CversionAligner(ZooKeeper zk, Report report) {
        this.zk = zk;
        this.report = report;
    }

    public void align(List<ZkNode> parents) throws InterruptedException {
        for (ZkNode p : parents) {
            if (!leftAlone(p)) {
                measure(p);
            }
        }
        inflight.awaitZero();
        for (int i = 0; i < gapPaths.size(); i++) {
            bump(gapPaths.get(i), (int) gaps.get(i)[0]);
        }
        inflight.awaitZero();
    }

    private void measure(ZkNode source) throws InterruptedException {
        permits.acquire();
        inflight.begin();
        zk.exists(source.path(), false, (rc, path, ctx, stat) -> {
            try {
                if (rc != KeeperException.Code.OK.intValue() || stat == null) {
                    return; // not copied: already reported by the writer
                }
                long pairs = pairsToAlign(source, stat.getCversion(), report);
                if (pairs > 0) {
                    synchronized (gaps) {
                        gapPaths.add(path);
                        gaps.add(new long[] {pairs});
                    }
                }
            } finally {
                permits.release();
                inflight.end();
            }
        }, null);
    }

    /** Parents whose counter is not raised. */
    static boolean leftAlone(ZkNode parent) {
        // An emptied container is about to be removed by the server; bumping would remove it in ours. Nobody creates
        // sequential children of the root, and /zookeeper skews its count.
        return parent.kind() == NodeKind.CONTAINER && parent.numChildren() == 0 || parent.path().equals("/");
    }

    /**
     * The create+delete pairs that raise a target counter standing at {@code targetCversion} to the source's; notes
     * a counter already ahead and an odd gap (overshot by one).
     */
    static long pairsToAlign(ZkNode source, int targetCversion, Report report) {
        long gap = (long) source.cversion() - targetCversion;
        if (gap < 0) {
            // Harmless for uniqueness: the target's next sequential names are only higher.
            report.issue(Report.Count.NOTES, "note: sequence counter ahead: " + source.path() + " cversion "
                    + targetCversion + " in the target, " + source.cversion() + " in the source");
            return 0;
        }
        if (gap % 2 == 1) {
            report.issue(Report.Count.NOTES, "note: sequence counter of " + source.path() + " set to "
                    + (source.cversion() + 1) + ", one past the source's " + source.cversion() + " (odd gap)");
        }
        return (gap + 1) / 2;
    }

    private void bump(String parent, int pairs) throws InterruptedException {
        String child = ZkTreeReader.child(parent, THROWAWAY_NAME);
        while (pairs > 0) {
            int n = Math.min(pairs, PAIRS_PER_MULTI_MAX);
            pairs -= n;
            List<Op> ops = new ArrayList<>(2 * n);
            for (int i = 0; i < n; i++) {
                ops.add(Op.create(child, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                ops.add(Op.delete(child, -1));
            }
            permits.acquire();
            inflight.begin();
            zk.multi(ops, (rc, path, ctx, results) -> {
                if (rc != KeeperException.Code.OK.intValue()) {
                    report.issue(Report.Count.FAILED, "failed: raising the sequence counter of " + parent + ": "
                            + KeeperException.Code.get(rc));
                }
                permits.release();
                inflight.end();
            }, null);
        }
    }
}
