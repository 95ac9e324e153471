package dev.cachai.migration.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import dev.cachai.engine.zk.Acl;
import org.apache.zookeeper.data.ACL;

import java.util.ArrayList;
import java.util.List;

/** How a source node is created in the target. */
final class TargetNode {
    private TargetNode() {}

    static CreateMode mode(ZkNode node) {
        return switch (node.kind()) {
            case CONTAINER -> CreateMode.CONTAINER;
            case TTL -> CreateMode.PERSISTENT_WITH_TTL;
            case EPHEMERAL -> throw new IllegalStateException("ephemeral nodes are skipped or made persistent before this");
            case PERSISTENT -> CreateMode.PERSISTENT;
        };
    }

    /** The kind as the engine stores it, for a node written straight into a new data directory. */
    static dev.cachai.engine.zk.NodeKind engineKind(ZkNode node) {
        return switch (node.kind()) {
            case CONTAINER -> dev.cachai.engine.zk.NodeKind.CONTAINER;
            case TTL -> dev.cachai.engine.zk.NodeKind.PERSISTENT_WITH_TTL;
            case EPHEMERAL -> throw new IllegalStateException("ephemeral nodes are skipped or made persistent before this");
            case PERSISTENT -> dev.cachai.engine.zk.NodeKind.PERSISTENT;
        };
    }

    static List<Acl> engineAcl(List<ACL> acl) {
        List<Acl> out = new ArrayList<>(acl.size());
        for (ACL a : acl) {
            out.add(new Acl(a.getPerms(), a.getId().getScheme(), a.getId().getId()));
        }
        return out;
    }

    static long ttlMs(ZkNode node) {
        return node.kind() == NodeKind.TTL ? node.ttlMs() : -1;
    }

    /**
     * A parent whose ACL would not let us create its children is created open and gets its real ACL after the
     * children are in (see {@link ZkTreeWriter#applyDeferredAcls}).
     */
    static boolean aclDeferred(ZkNode node) {
        if (node.numChildren() == 0 && node.cversion() == 0) {
            return false;
        }
        for (ACL a : node.acl()) {
            boolean anyone = a.getId().equals(ZooDefs.Ids.ANYONE_ID_UNSAFE);
            int needed = ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE;
            if (anyone && (a.getPerms() & needed) == needed) {
                return false;
            }
        }
        return true;
    }

    static List<ACL> creationAcl(ZkNode node) {
        return aclDeferred(node) ? ZooDefs.Ids.OPEN_ACL_UNSAFE : node.acl();
    }
}
