package dev.cachai.engine;

import dev.cachai.engine.kv.Entry;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeMeta;
import dev.cachai.engine.zk.ZkAcls;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.engine.zk.ZkPaths;

import java.nio.charset.StandardCharsets;

/**
 * Keeps ZooKeeper ACLs in force for etcd writes: an etcd client has no ZooKeeper identity, so it
 * may change a ZooKeeper node only where the ACLs let anyone (world:anyone) do that change.
 * Keys that are not ZooKeeper paths, and nodes with open ACLs, are not affected.
 */
final class ZkGuard {
    private ZkGuard() {}

    /** Whether an etcd put of {@code key} (read at {@code rev}) passes the ZooKeeper ACLs. */
    static boolean putAllowed(EngineState s, byte[] key, long rev) {
        Entry e = s.kv.entry(key);
        KeyValue current = e == null ? null : dev.cachai.engine.kv.KvStore.liveAt(e, rev);
        if (current != null && e.meta() == null) {
            // No stored meta: a key written through etcd or a plain leaf, whose ACL is the open default.
            return true;
        }
        if (!ZkPaths.isNodeKey(key)) {
            return true;
        }
        if (current != null) {
            return allows(s, key, current, rev, Acl.WRITE);
        }
        return parentAllows(s, key, rev, Acl.CREATE);
    }

    /** Whether an etcd delete of the live {@code key} passes the ZooKeeper ACLs (DELETE on the parent). */
    static boolean deleteAllowed(EngineState s, byte[] key, long rev) {
        return !ZkPaths.isNodeKey(key) || parentAllows(s, key, rev, Acl.DELETE);
    }

    private static boolean parentAllows(EngineState s, byte[] key, long rev, int perm) {
        String parent = ZkPaths.parent(new String(key, StandardCharsets.UTF_8));
        if (parent.equals("/")) {
            return ZkAcls.allows(s.rootMeta.acl(), perm, ZkIdentity.ANONYMOUS);
        }
        byte[] pkey = parent.getBytes(StandardCharsets.UTF_8);
        KeyValue p = s.kv.get(pkey, rev);
        return p == null || allows(s, pkey, p, rev, perm);
    }

    private static boolean allows(EngineState s, byte[] key, KeyValue v, long rev, int perm) {
        Entry e = s.kv.entry(key);
        NodeMeta m = ZkView.metaAt(e, v, rev);
        return ZkAcls.allows(m.acl(), perm, ZkIdentity.ANONYMOUS);
    }
}
