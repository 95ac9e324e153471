package dev.cachai.engine;

import dev.cachai.engine.zk.ZkTreeChange;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A superset of the paths that are virtual nodes, for the apply thread: a write asks whether
 * the path it creates or looks up has keys below it, and a path not listed here has none, so the
 * keyspace is not searched (two B+tree seeks per ZooKeeper create, a sixth of the apply thread
 * under a create load, once any etcd key sits under a missing parent). A path is added as soon
 * as a write makes it virtual, even a write that is later rolled back, and removed only when a
 * committed write ends it: the set never misses one. Apply thread only.
 */
final class VirtualNodePaths {
    private final Set<String> paths = new HashSet<>();

    boolean mayBeVirtual(String path) {
        return paths.contains(path);
    }

    /** A write is making {@code path} virtual. */
    void add(String path) {
        paths.add(path);
    }

    /** Follows a committed revision's tree changes, in their order. */
    void follow(List<ZkTreeChange> changes) {
        for (ZkTreeChange c : changes) {
            if (c.kind() == ZkTreeChange.Kind.APPEARED || c.kind() == ZkTreeChange.Kind.BECAME_VIRTUAL) {
                paths.add(c.path());
            } else {
                paths.remove(c.path());
            }
        }
    }

    boolean isEmpty() {
        return paths.isEmpty();
    }
}
