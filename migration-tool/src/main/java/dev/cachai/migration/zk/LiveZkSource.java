package dev.cachai.migration.zk;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/** A running ZooKeeper (or Cachai, when it is the target being verified). */
public final class LiveZkSource implements ZkSource {
    private final ZooKeeper zk;
    private final Report report;

    public LiveZkSource(ZooKeeper zk, Report report) {
        this.zk = zk;
        this.report = report;
    }

    @Override
    public long count(String root) {
        try {
            // getAllChildrenNumber counts descendants only; /zookeeper's few nodes make the ETA a hair pessimistic.
            return zk.getAllChildrenNumber(root) + 1;
        } catch (KeeperException.NoNodeException e) {
            throw new MigrationException("the source has no node " + root);
        } catch (KeeperException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted");
        }
    }

    @Override
    public void walk(String root, NodeSink sink) throws InterruptedException {
        new ZkTreeReader(zk, report).walk(root, sink);
    }

    @Override
    public void close() {
        ZkConnect.closeQuietly(zk);
    }
}
