package dev.cachai.bench.load;

import java.util.List;

/**
 * Where a target server (or cluster) listens, as host:port strings. A list per protocol so a
 * 3-node cluster is the same shape as a single node; an empty list means the protocol is not served.
 */
public record Endpoints(String name, List<String> etcd, List<String> zk) {
    public Endpoints {
        etcd = List.copyOf(etcd);
        zk = List.copyOf(zk);
    }

    public boolean serves(Protocol protocol) {
        return protocol == Protocol.ETCD ? !etcd.isEmpty() : !zk.isEmpty();
    }

    /** ZooKeeper's connect string: comma-separated host:port. */
    public String zkConnectString() {
        return String.join(",", zk);
    }

    /** jetcd endpoints: http URLs. */
    public String[] etcdUrls() {
        return etcd.stream().map(hostPort -> "http://" + hostPort).toArray(String[]::new);
    }
}
