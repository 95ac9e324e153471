package dev.cachai.engine.command;

import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;

import java.util.List;

/** One ZooKeeper write operation. Versions of -1 match any version, as in ZooKeeper. */
public sealed interface ZkOp {
    String path();

    /** create / create2 / createContainer / createTTL; {@code data} null means ZooKeeper's null data. */
    record Create(String path, byte[] data, List<Acl> acl, NodeKind kind, long ttlMs) implements ZkOp {
        public Create {
            acl = List.copyOf(acl);
        }
    }

    record Delete(String path, int version) implements ZkOp {}

    record SetData(String path, byte[] data, int version) implements ZkOp {}

    record SetAcl(String path, List<Acl> acl, int aclVersion) implements ZkOp {
        public SetAcl {
            acl = List.copyOf(acl);
        }
    }

    record Check(String path, int version) implements ZkOp {}
}
