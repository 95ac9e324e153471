package dev.cachai.migration.zk;

import dev.cachai.migration.Report;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Decides which source nodes are copied and in what form; reports the ones left out. */
public final class Admission {
    /** The target's jute.maxbuffer (ZooKeeper's and Cachai's default, 1 MiB - 1). */
    static final int REQUEST_BYTES_MAX = 0xFFFFF;

    private final Report report;
    private final boolean ephemeralsAsPersistent;
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();

    public Admission(Report report, boolean ephemeralsAsPersistent) {
        this.report = report;
        this.ephemeralsAsPersistent = ephemeralsAsPersistent;
    }

    /** The node as it goes to the target, or null when it is not copied (and reported). */
    public ZkNode admit(ZkNode node) {
        String parent = parentOf(node.path());
        if (parent != null && skipped.contains(parent)) {
            skipped.add(node.path());
            report.issue(Report.Count.TOO_LARGE, "not copied: " + node.path() + " (its parent was not copied)");
            return null;
        }
        if (node.kind() == NodeKind.EPHEMERAL) {
            if (!ephemeralsAsPersistent) {
                report.issue(Report.Count.EPHEMERAL_SKIPPED, "ephemeral, skipped: " + node.path());
                return null;
            }
            report.count(Report.Count.EPHEMERAL_AS_PERSISTENT);
            node = node.asPersistent();
        }
        if (node.requestBytes() > REQUEST_BYTES_MAX) {
            skipped.add(node.path());
            report.issue(Report.Count.TOO_LARGE, "too large: " + node.path() + " (" + node.data().length
                    + " bytes of data; the target accepts requests up to " + REQUEST_BYTES_MAX + " bytes)");
            return null;
        }
        return node;
    }

    public boolean skipped(String path) {
        return skipped.contains(path);
    }

    static String parentOf(String path) {
        if (path.equals("/")) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }
}
