package dev.cachai.migration.zk;

/** Where ZooKeeper nodes come from: a live server or a data directory read offline. */
public interface ZkSource extends AutoCloseable {
    /** How many nodes the subtree holds, for the ETA; -1 when unknown. */
    long count(String root);

    /** Every node of the subtree, parents before children, without /zookeeper. */
    void walk(String root, NodeSink sink) throws InterruptedException;

    @Override
    void close();
}
