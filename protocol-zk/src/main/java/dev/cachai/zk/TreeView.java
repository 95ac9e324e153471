package dev.cachai.zk;

import dev.cachai.engine.ClusterInfo;
import dev.cachai.engine.Engine;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkQuota;
import dev.cachai.engine.zk.ZkStat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The tree a ZooKeeper client sees: the engine's nodes plus the system nodes /zookeeper,
 * /zookeeper/config and /zookeeper/quota, which this adapter serves from the start (the engine
 * stores the first and last only once clients write below them, see {@link SystemNodes}), with
 * quota stats nodes reading the usage the engine keeps.
 */
public final class TreeView {
    public static final String SYSTEM = ZkPaths.SYSTEM_ROOT;
    public static final String CONFIG = "/zookeeper/config";
    public static final String QUOTA = ZkQuota.QUOTA_ROOT;
    /** The paths of ZooKeeper's empty tree: "", its alias "/", /zookeeper, /zookeeper/quota, /zookeeper/config (44). */
    static final int BUILT_IN_PATHS_LENGTH = "".length() + "/".length() + SYSTEM.length() + QUOTA.length() + CONFIG.length();
    /** Children ZooKeeper has from the start without creating them: / has /zookeeper ... */
    private static final int ROOT_BUILT_IN_CHILDREN = 1;
    /** ... and /zookeeper has /zookeeper/config and /zookeeper/quota. */
    private static final int SYSTEM_BUILT_IN_CHILDREN = 2;
    private static final List<Acl> READ_ONLY = List.of(new Acl(Acl.READ, "world", "anyone"));
    private static final int SYSTEM_NODES = 3;

    private final Engine engine;
    private final byte[] staticConfigData;
    private final Supplier<Optional<ClusterInfo>> cluster;

    public TreeView(Engine engine, ZkServerConfig config) {
        this(engine, config, Optional::empty);
    }

    /** With a cluster, /zookeeper/config follows its membership; without, it is the configured text. */
    public TreeView(Engine engine, ZkServerConfig config, Supplier<Optional<ClusterInfo>> cluster) {
        this.engine = engine;
        this.staticConfigData = configText(config).getBytes(StandardCharsets.UTF_8);
        this.cluster = cluster;
    }

    private byte[] configData() {
        return cluster.get().map(c -> configText(c).getBytes(StandardCharsets.UTF_8)).orElse(staticConfigData);
    }

    /**
     * ZooKeeper's text for a membership: one {@code server.N=host:peerPort:electionPort:role;client}
     * line per member in server-id order (our members elect on their peer port), then the
     * version; empty for a node alone, as a standalone ZooKeeper shows it.
     */
    static String configText(ClusterInfo cluster) {
        List<ClusterInfo.Member> members = new ArrayList<>(cluster.members());
        if (members.size() < 2) {
            return "";
        }
        members.sort((a, b) -> Integer.compare(a.zkServerId(), b.zkServerId()));
        StringBuilder sb = new StringBuilder();
        for (ClusterInfo.Member m : members) {
            if (m.zkServerId() == 0 || m.peerUrls().isEmpty()) {
                continue;
            }
            String peer = m.peerUrls().get(0).replaceFirst("^[a-z]+://", "");
            sb.append("server.").append(m.zkServerId()).append('=').append(peer)
                    .append(peer.substring(peer.lastIndexOf(':'))).append(':')
                    .append(m.learner() ? "observer" : "participant");
            if (!m.zkClient().isEmpty()) {
                sb.append(';').append(m.zkClient());
            }
            sb.append('\n');
        }
        return sb.append("version=").append(Long.toHexString(cluster.configVersion())).toString();
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

    /** /zookeeper, /zookeeper/config and /zookeeper/quota: always there, never created by clients. */
    public static boolean isBuiltIn(String path) {
        return path.equals(SYSTEM) || path.equals(CONFIG) || path.equals(QUOTA);
    }

    /** Paths under /zookeeper/config: ZooKeeper refuses to create them. */
    public static boolean isUnderConfig(String path) {
        return path.startsWith(CONFIG + "/");
    }

    public ZkNode node(String path) {
        if (!ZkPaths.isValid(path)) {
            return null;
        }
        switch (path) {
            case SYSTEM:
                return systemNode();
            case CONFIG:
                byte[] configData = configData();
                return new ZkNode(path, configData, configStat(configData.length), READ_ONLY);
            case QUOTA:
                return quotaNode();
            case "/":
                return rootNode();
            default:
                if (isUnderConfig(path)) {
                    return null;
                }
                ZkNode stored = engine.zkNode(path);
                return stored != null && path.startsWith(QUOTA + "/") ? withQuotaUsage(stored) : stored;
        }
    }

    /**
     * A quota's stats node reads the usage the engine counts, as ZooKeeper's server rewrites the
     * node's data in place: the Stat keeps its zxids and version, only the data length follows.
     */
    private ZkNode withQuotaUsage(ZkNode stored) {
        String quota = ZkQuota.quotaOfStatsNode(stored.path());
        ZkQuota.Usage usage = quota == null ? null : engine.zkQuotaUsage(quota);
        if (usage == null) {
            return stored;
        }
        byte[] text = usage.text();
        ZkStat s = stored.stat();
        ZkStat stat = new ZkStat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(), s.cversion(), s.aversion(),
                s.ephemeralOwner(), text.length, s.numChildren(), s.pzxid());
        return new ZkNode(stored.path(), text, stat, stored.acl());
    }

    /**
     * The Stat a client sees of a node the engine holds, given the engine's: the built-in nodes
     * and the root are shown as ZooKeeper has them (see below); any other node as stored. Reads
     * and the replies of setData and setACL show the same.
     */
    public ZkStat shown(String path, ZkStat stored) {
        switch (path) {
            case "/":
                return rootStat(stored);
            case SYSTEM:
                // Its cversion counted the storing of /zookeeper/quota, which ZooKeeper has from the start,
                // and ZooKeeper's is lowered by the two children no one created (as the root's, below).
                int quotaCreate = SystemNodes.stored(engine, QUOTA) ? 1 : 0;
                return builtInStat(stored, children(SYSTEM).size(), quotaCreate + SYSTEM_BUILT_IN_CHILDREN);
            case QUOTA:
                return builtInStat(stored, stored.numChildren(), 0);
            default:
                return stored;
        }
    }

    /**
     * The root as stored, less the engine's record of /zookeeper: that node is created (stored)
     * only when a client first writes below it, but ZooKeeper counts it from the start. Its
     * cversion is ZooKeeper's: the creates and deletes of children less the children no one
     * created (ZooKeeper shows twice its count of creates less the children present, which a
     * built-in child lowers by one; a fresh root shows -1).
     */
    private ZkStat rootStat(ZkStat s) {
        boolean stored = SystemNodes.stored(engine, SYSTEM);
        return new ZkStat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(),
                s.cversion() - (stored ? 1 : 0) - ROOT_BUILT_IN_CHILDREN, s.aversion(), s.ephemeralOwner(), s.dataLength(),
                s.numChildren() + (stored ? 0 : 1), s.pzxid());
    }

    private ZkNode rootNode() {
        ZkNode n = engine.zkNode("/");
        return n == null ? null : new ZkNode("/", n.data(), rootStat(n.stat()), n.acl());
    }

    private ZkNode systemNode() {
        ZkNode stored = engine.zkNode(SYSTEM);
        if (stored == null) {
            return new ZkNode(SYSTEM, new byte[0], builtInStat(stat(0, 0), children(SYSTEM).size(), SYSTEM_BUILT_IN_CHILDREN),
                    Acl.OPEN_ACL_UNSAFE);
        }
        return new ZkNode(SYSTEM, stored.data(), shown(SYSTEM, stored.stat()), stored.acl());
    }

    private ZkNode quotaNode() {
        ZkNode stored = engine.zkNode(QUOTA);
        if (stored == null) {
            return new ZkNode(QUOTA, new byte[0], stat(0, 0), Acl.OPEN_ACL_UNSAFE);
        }
        return new ZkNode(QUOTA, stored.data(), shown(QUOTA, stored.stat()), stored.acl());
    }

    /**
     * A stored built-in node's stat as ZooKeeper shows it: created at zxid 0, children as counted
     * here; its data and ACL as clients set them.
     */
    private static ZkStat builtInStat(ZkStat s, int children, int cversionBias) {
        boolean dataSet = s.version() > 0; // storing the node is no change of its data
        return new ZkStat(0, dataSet ? s.mzxid() : 0, 0, dataSet ? s.mtime() : 0, s.version(),
                s.cversion() - cversionBias, s.aversion(), 0, s.dataLength(), children, s.pzxid());
    }

    /** ZooKeeper makes /zookeeper/config by setting its ACL at "version -1", which it keeps as the ACL version. */
    private static ZkStat configStat(int dataLength) {
        return new ZkStat(0, 0, 0, 0, 0, 0, -1, 0, dataLength, 0, 0);
    }

    private static ZkStat stat(int dataLength, int children) {
        return new ZkStat(0, 0, 0, 0, 0, 0, 0, 0, dataLength, children, 0);
    }

    /** Sorted child names, or null when the node does not exist. */
    public List<String> children(String path) {
        if (!ZkPaths.isValid(path)) {
            return null;
        }
        if (path.equals(CONFIG)) {
            return List.of();
        }
        if (isUnderConfig(path)) {
            return null;
        }
        List<String> stored = engine.zkChildren(path);
        if (path.equals(SYSTEM) || path.equals(QUOTA)) {
            TreeSet<String> sorted = new TreeSet<>(stored == null ? List.of() : stored);
            if (path.equals(SYSTEM)) {
                sorted.add("config");
                sorted.add("quota");
            }
            return new ArrayList<>(sorted);
        }
        if (stored == null) {
            return null;
        }
        if (!path.equals("/")) {
            return stored; // the engine lists them sorted already
        }
        TreeSet<String> sorted = new TreeSet<>(stored);
        sorted.add("zookeeper");
        return new ArrayList<>(sorted);
    }

    /** getAllChildrenNumber: every node below the path, built-in nodes included once. */
    public int descendants(String path) {
        if (path.equals("/")) {
            return engine.zkDescendants(path) + SYSTEM_NODES - SystemNodes.storedBuiltIns(engine);
        }
        if (path.equals(SYSTEM)) {
            int stored = SystemNodes.stored(engine, SYSTEM) ? engine.zkDescendants(SYSTEM) : 0;
            return stored + 2 - (SystemNodes.stored(engine, QUOTA) ? 1 : 0);
        }
        if (path.equals(CONFIG) || isUnderConfig(path)) {
            return 0;
        }
        return SystemNodes.stored(engine, path) ? engine.zkDescendants(path) : 0;
    }

    /**
     * mntr's zk_approximate_data_size as ZooKeeper counts it: every node's path length plus data
     * length, kept up to date as nodes change from {@link #BUILT_IN_PATHS_LENGTH} for its empty tree
     * ("" and its alias "/" for the root, /zookeeper, /zookeeper/quota, /zookeeper/config).
     * Stored keys add their key and value bytes; a stored root or built-in node's path is in that
     * base already.
     */
    public long approximateDataSize() {
        long size = BUILT_IN_PATHS_LENGTH + engine.liveKeyValueBytes() + configData().length;
        if (rootDataStored()) {
            size -= "/".length();
        }
        size -= SystemNodes.stored(engine, SYSTEM) ? SYSTEM.length() : 0;
        size -= SystemNodes.stored(engine, QUOTA) ? QUOTA.length() : 0;
        return size;
    }

    /**
     * Every node as ZooKeeper counts them: the root twice (ZooKeeper's node map holds it under ""
     * and "/"), built-in nodes included; the root's data key is no node.
     */
    public long nodeCount() {
        return engine.keyCount() - (rootDataStored() ? 1 : 0) + SYSTEM_NODES + 2 - SystemNodes.storedBuiltIns(engine);
    }

    /** Whether the root's data was set, which the engine keeps under the key "/". */
    private boolean rootDataStored() {
        ZkNode root = engine.zkNode("/");
        return root != null && root.stat().mzxid() > 0;
    }
}
