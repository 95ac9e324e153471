package dev.cachai.engine.command;

import dev.cachai.engine.zk.ZkIdentity;

import java.util.List;

/**
 * A ZooKeeper write: one op, or a multi when {@code multi} is true. All ops share one zxid and
 * either all apply or none does. ACLs are checked against {@code identity} during apply.
 */
public record ZkTxn(long sessionId, ZkIdentity identity, List<ZkOp> ops, boolean multi) implements ZkCommand {
    public ZkTxn {
        ops = List.copyOf(ops);
    }

    public static ZkTxn single(long sessionId, ZkIdentity identity, ZkOp op) {
        return new ZkTxn(sessionId, identity, List.of(op), false);
    }
}
