package dev.cachai.bench.load;

/** The wire protocol a workload speaks. */
public enum Protocol {
    ETCD,
    ZOOKEEPER
}
