package dev.cachai.migration.zk;

/** Receives nodes from a source in an order where every parent comes before its children. */
public interface NodeSink {
    /** May block to apply backpressure; must not call back into the source. */
    void accept(ZkNode node) throws InterruptedException;
}
