package dev.cachai.migration.zk;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

import java.io.File;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

/**
 * A ZooKeeper data directory read offline with ZooKeeper's own classes: the newest valid snapshot plus the txn logs
 * after it, replayed into a DataTree exactly as a restarting server would.
 */
public final class DataDirSource implements ZkSource {
    private final DataTree tree = new DataTree();
    private final Report report;

    public DataDirSource(File dataDir, File txnLogDir, Report report) {
        this.report = report;
        if (!new File(dataDir, "version-2").isDirectory()) {
            throw new MigrationException("no ZooKeeper data in " + dataDir + " (expected a version-2 directory)");
        }
        try {
            FileTxnSnapLog snapLog = new FileTxnSnapLog(txnLogDir, dataDir);
            long zxid = snapLog.restore(tree, new HashMap<>(), (hdr, txn, digest) -> { });
            snapLog.close();
            System.err.println("loaded " + tree.getNodeCount() + " nodes from " + dataDir + " up to zxid 0x"
                    + Long.toHexString(zxid));
        } catch (IOException | RuntimeException e) {
            throw new MigrationException("cannot read ZooKeeper data in " + dataDir + ": " + e.getMessage());
        }
    }

    @Override
    public long count(String root) {
        return tree.getNodeCount();
    }

    @Override
    public void walk(String root, NodeSink sink) throws InterruptedException {
        if (tree.getNode(root) == null) {
            throw new MigrationException("the source has no node " + root);
        }
        // Unbounded by design: it never holds more paths than the tree already loaded in memory.
        ArrayDeque<String> frontier = new ArrayDeque<>();
        frontier.add(root);
        while (!frontier.isEmpty()) {
            String path = frontier.poll();
            DataNode node = tree.getNode(path);
            if (node == null) {
                continue;
            }
            Stat stat = new Stat();
            byte[] data;
            List<String> children;
            synchronized (node) {
                node.copyStat(stat);
                // copyStat shows clients 0 for containers and TTL nodes; the persisted owner keeps the kind.
                stat.setEphemeralOwner(node.stat.getEphemeralOwner());
                data = node.getData();
                Set<String> names = node.getChildren();
                children = names == null ? List.of() : new ArrayList<>(names);
            }
            List<ACL> acl = tree.getACL(node);
            report.count(Report.Count.READ);
            sink.accept(ZkNode.of(path, data, acl, stat));
            for (String name : children) {
                if (!(path.equals("/") && name.equals("zookeeper"))) {
                    frontier.add(ZkTreeReader.child(path, name));
                }
            }
        }
    }

    @Override
    public void close() {
        // the tree is in memory only
    }
}
