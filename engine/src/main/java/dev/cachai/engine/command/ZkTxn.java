package dev.cachai.engine.command;

import dev.cachai.engine.zk.ZkIdentity;

import java.util.List;

/**
 * A ZooKeeper write: one op, or a multi when {@code multi} is true. All ops share one zxid and
 * either all apply or none does. ACLs are checked against {@code identity} during apply.
 *
 * @param origin       the ZooKeeper server id of the member whose connection sent it; a session
 *                     owned by another member fails it with SESSIONMOVED (0: not checked)
 * @param enforceQuota whether that member enforces hard quota limits (zookeeper.enforceQuota)
 */
public record ZkTxn(long sessionId, ZkIdentity identity, List<ZkOp> ops, boolean multi, int origin,
                    boolean enforceQuota) implements ZkCommand {
    public ZkTxn {
        ops = List.copyOf(ops);
    }

    /** A write whose session owner is not checked and whose quotas are not enforced. */
    public ZkTxn(long sessionId, ZkIdentity identity, List<ZkOp> ops, boolean multi) {
        this(sessionId, identity, ops, multi, 0, false);
    }

    public static ZkTxn single(long sessionId, ZkIdentity identity, ZkOp op) {
        return new ZkTxn(sessionId, identity, List.of(op), false);
    }
}
