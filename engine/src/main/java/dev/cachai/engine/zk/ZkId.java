package dev.cachai.engine.zk;

/** An authenticated identity of a ZooKeeper connection, such as ("digest", "user:hash") or ("ip", "127.0.0.1"). */
public record ZkId(String scheme, String id) {
    public ZkId {
        java.util.Objects.requireNonNull(scheme, "scheme");
        java.util.Objects.requireNonNull(id, "id");
    }
}
