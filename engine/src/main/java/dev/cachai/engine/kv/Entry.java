package dev.cachai.engine.kv;

import dev.cachai.engine.zk.NodeMeta;

/**
 * The map slot of one key: its newest version (a chain back through older versions) and its
 * ZooKeeper meta. Written only by the apply thread; read by any thread.
 */
public final class Entry {
    volatile KeyValue head;
    volatile NodeMeta meta;
    /** Whether {@link KvStore} lists it among the entries holding history (apply thread only). */
    boolean listedWithHistory;

    Entry(KeyValue head) {
        this.head = head;
    }

    public KeyValue head() { return head; }
    public NodeMeta meta() { return meta; }
}
