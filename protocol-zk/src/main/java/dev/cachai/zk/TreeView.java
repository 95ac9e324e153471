package dev.cachai.zk;

import dev.cachai.engine.Engine;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkStat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The tree a ZooKeeper client sees: the engine's nodes plus the system nodes /zookeeper,
 * /zookeeper/config and /zookeeper/quota, which this adapter serves and the engine never stores.
 */
public final class TreeView {
    public static final String SYSTEM = "/zookeeper";
    public static final String CONFIG = "/zookeeper/config";
    public static final String QUOTA = "/zookeeper/quota";
    private static final List<Acl> READ_ONLY = List.of(new Acl(Acl.READ, "world", "anyone"));
    private static final int SYSTEM_NODES = 3;

    private final Engine engine;
    private final byte[] configData;

    public TreeView(Engine engine, ZkServerConfig config) {
        this.engine = engine;
        this.configData = configText(config).getBytes(StandardCharsets.UTF_8);
    }

    /** ZooKeeper's QuorumVerifier text: "server.N=..." lines then "version=<hex>"; empty when standalone. */
    static String configText(ZkServerConfig config) {
        if (config.members().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String m : config.members()) {
            sb.append("server.").append(m).append('\n');
        }
        return sb.append("version=").append(Long.toHexString(config.configVersion())).toString();
    }

    public static boolean isSystem(String path) {
        return path.equals(SYSTEM) || path.startsWith(SYSTEM + "/");
    }

    public ZkNode node(String path) {
        if (!ZkPaths.isValid(path)) {
            return null;
        }
        switch (path) {
            case SYSTEM:
                return new ZkNode(path, new byte[0], stat(0, 2), Acl.OPEN_ACL_UNSAFE);
            case CONFIG:
                return new ZkNode(path, configData.clone(), stat(configData.length, 0), READ_ONLY);
            case QUOTA:
                return new ZkNode(path, new byte[0], stat(0, 0), Acl.OPEN_ACL_UNSAFE);
            default:
                break;
        }
        if (isSystem(path)) {
            return null;
        }
        ZkNode n = engine.zkNode(path);
        if (n == null || !path.equals("/")) {
            return n;
        }
        ZkStat s = n.stat();
        ZkStat withSystem = new ZkStat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(), s.cversion(),
                s.aversion(), s.ephemeralOwner(), s.dataLength(), s.numChildren() + 1, s.pzxid());
        return new ZkNode(path, n.data(), withSystem, n.acl());
    }

    private static ZkStat stat(int dataLength, int children) {
        return new ZkStat(0, 0, 0, 0, 0, 0, 0, 0, dataLength, children, 0);
    }

    /** Sorted child names, or null when the node does not exist. */
    public List<String> children(String path) {
        if (!ZkPaths.isValid(path)) {
            return null;
        }
        if (path.equals(SYSTEM)) {
            return List.of("config", "quota");
        }
        if (path.equals(CONFIG) || path.equals(QUOTA)) {
            return List.of();
        }
        if (isSystem(path)) {
            return null;
        }
        List<String> children = engine.zkChildren(path);
        if (children == null) {
            return null;
        }
        TreeSet<String> sorted = new TreeSet<>(children);
        if (path.equals("/")) {
            sorted.add("zookeeper");
        }
        return new ArrayList<>(sorted);
    }

    /** getAllChildrenNumber: every node below the path, system nodes included. */
    public int descendants(String path) {
        if (path.equals(SYSTEM)) {
            return 2;
        }
        if (isSystem(path)) {
            return 0;
        }
        return engine.zkDescendants(path) + (path.equals("/") ? SYSTEM_NODES : 0);
    }

    public long nodeCount() {
        return engine.keyCount() + SYSTEM_NODES + 1;
    }
}
