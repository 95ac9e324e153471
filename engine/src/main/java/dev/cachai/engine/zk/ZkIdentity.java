package dev.cachai.engine.zk;

import java.util.List;

/**
 * Who issues a ZooKeeper write: the connection's authenticated ids and whether it is the super
 * user. It travels inside the command so that ACL checks are part of the deterministic apply.
 */
public record ZkIdentity(List<ZkId> ids, boolean superUser) {
    public static final ZkIdentity ANONYMOUS = new ZkIdentity(List.of(), false);
    public static final ZkIdentity SUPER = new ZkIdentity(List.of(), true);

    public ZkIdentity {
        ids = List.copyOf(ids);
    }
}
