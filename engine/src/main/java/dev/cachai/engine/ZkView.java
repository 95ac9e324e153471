package dev.cachai.engine;

import dev.cachai.engine.kv.Entry;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeMeta;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkStat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ZooKeeper tree read from the flat keyspace. A key that is a valid path is a node; a path
 * with live descendants but no key of its own (written through etcd) is a virtual, empty node.
 */
final class ZkView {
    /** Where the root's data is kept: setData on "/" writes its path as any node's ({@link ZkPaths#isRootDataKey}). */
    private static final byte[] ROOT_DATA_KEY = "/".getBytes(StandardCharsets.UTF_8);

    private ZkView() {}

    static ZkNode node(EngineState s, String path, long rev) {
        return node(s, path, rev, false);
    }

    /** {@link #node} for the apply thread, which may skip the search for children of a missing key. */
    static ZkNode nodeWhileApplying(EngineState s, String path, long rev) {
        return node(s, path, rev, true);
    }

    private static ZkNode node(EngineState s, String path, long rev, boolean applying) {
        if (path.equals("/")) {
            return root(s, rev);
        }
        byte[] key = path.getBytes(StandardCharsets.UTF_8);
        Entry e = s.kv.entry(key);
        KeyValue v = liveAt(s, key, e, rev);
        if (v != null) {
            NodeMeta m = metaAt(e, v, rev);
            return new ZkNode(path, v.isNullValue() ? null : v.value(), stat(v, m), m.acl());
        }
        int children = applying ? countChildrenWhileApplying(s, path, rev) : countChildren(s, path, rev);
        if (children == 0) {
            return null;
        }
        ZkStat virtual = new ZkStat(0, 0, 0, 0, 0, 0, 0, 0, 0, children, 0);
        return new ZkNode(path, new byte[0], virtual, Acl.OPEN_ACL_UNSAFE);
    }

    static NodeMeta metaAt(Entry e, KeyValue v, long rev) {
        NodeMeta stored = e.meta();
        NodeMeta m = stored == null ? null : stored.at(rev);
        if (m == null && stored != null && stored.revision() >= v.createRevision()) {
            // A reader behind the apply thread: the meta was rewritten after rev (a child added,
            // say; rarer, the key deleted and created again) and older ones are kept only while
            // a snapshot pins them. The newer meta, off by that change, beats the default, whose
            // world-open ACL a protected node never had.
            return stored;
        }
        if (m == null || m.revision() < v.createRevision()) {
            return WriteTxn.defaultMeta(v);
        }
        return m;
    }

    static ZkStat stat(KeyValue v, NodeMeta m) {
        return new ZkStat(v.createRevision(), v.modRevision(), v.ctimeMs(), v.mtimeMs(), (int) (v.version() - 1),
                m.clientCversion(), m.aversion(), m.clientEphemeralOwner(), v.value().length, m.numChildren(),
                m.pzxid());
    }

    /** The version of {@code key} live at {@code rev}, or null. */
    private static KeyValue liveAt(EngineState s, byte[] key, Entry e, long rev) {
        KeyValue v = e == null ? null : e.head();
        if (v != null && v.modRevision() > rev) {
            v = s.kv.get(key, rev);
        }
        return v == null || v.isTombstone() ? null : v;
    }

    /**
     * The root has no key of its own in the tree; its data lives under the key "/" (which is no
     * node key, so no child of anything), written by setData on "/" or by an etcd put. ZooKeeper
     * has the root from zxid 0 with version 0, so the first setData shows version 1.
     */
    private static ZkNode root(EngineState s, long rev) {
        NodeMeta m = s.rootMeta;
        KeyValue data = liveAt(s, ROOT_DATA_KEY, s.kv.entry(ROOT_DATA_KEY), rev);
        if (data == null) {
            ZkStat stat = new ZkStat(0, 0, 0, 0, 0, m.clientCversion(), m.aversion(), 0, 0, m.numChildren(), m.pzxid());
            return new ZkNode("/", new byte[0], stat, m.acl());
        }
        ZkStat stat = new ZkStat(0, data.modRevision(), 0, data.mtimeMs(), (int) data.version(), m.clientCversion(),
                m.aversion(), 0, data.value().length, m.numChildren(), m.pzxid());
        return new ZkNode("/", data.isNullValue() ? null : data.value(), stat, m.acl());
    }

    /**
     * Child names sorted, without duplicates, or an empty list. The children's keys are walked in
     * order with one iterator; a subtree is skipped with one seek, so the cost follows the
     * children. Names come out sorted except when a sibling's name sorts between a child and its
     * subtree ("a-b" between "a" and "a/x", or a child that exists only through its subtree): then
     * one sort puts them right.
     */
    static List<String> children(EngineState s, String path, long rev) {
        byte[] p = ZkPaths.childPrefix(path).getBytes(StandardCharsets.UTF_8);
        byte[] end = Bytes.prefixEnd(p);
        List<String> names = new ArrayList<>();
        boolean inOrder = true;
        boolean allAscii = true;
        Iterator<Map.Entry<byte[], Entry>> it = s.kv.entries(p, true, end);
        while (it.hasNext()) {
            Map.Entry<byte[], Entry> next = it.next();
            byte[] key = next.getKey();
            KeyValue v = next.getValue().head().modRevision() > rev ? s.kv.get(key, rev) : next.getValue().head();
            boolean exists = v != null && !v.isTombstone();
            if (ZkPaths.isAsciiChildSegment(key, p.length)) {
                // The common case, in one pass over the name: a live direct child with an ASCII name.
                if (exists) {
                    String name = asciiName(key, p.length);
                    inOrder &= names.isEmpty() || names.get(names.size() - 1).compareTo(name) < 0;
                    names.add(name);
                }
                continue;
            }
            allAscii = false;
            boolean live = exists && ZkPaths.isNodeKeyBelow(key, p.length);
            int slash = indexOf(key, (byte) '/', p.length);
            if (slash < 0) {
                if (live) {
                    String name = new String(key, p.length, key.length - p.length, StandardCharsets.UTF_8);
                    inOrder &= names.isEmpty() || names.get(names.size() - 1).compareTo(name) < 0;
                    names.add(name);
                }
                continue;
            }
            if (!live) {
                continue;
            }
            String name = new String(key, p.length, slash - p.length, StandardCharsets.UTF_8);
            String last = names.isEmpty() ? null : names.get(names.size() - 1);
            if (!name.equals(last)) {
                inOrder &= last == null || last.compareTo(name) < 0;
                names.add(name);
            }
            // Everything else below this child sorts before "<child>0" ('0' follows '/').
            byte[] skip = Arrays.copyOf(key, slash + 1);
            skip[slash] = '0';
            it = s.kv.entries(skip, true, end);
        }
        if (!inOrder) {
            names = new ArrayList<>(new TreeSet<>(names));
        }
        return allAscii ? new AsciiNames(names) : names;
    }

    /** A name known to be ASCII: its bytes are its chars, no decoding needed. */
    @SuppressWarnings("deprecation") // String(byte[], int hibyte, int, int) is exact for ASCII
    private static String asciiName(byte[] key, int from) {
        return new String(key, 0, from, key.length - from);
    }

    /**
     * Live children of {@code path}, for a path with no live key (is it a virtual node, and with
     * how many children?) or one whose key is being created (was it virtual?). A real node's own
     * count is stored and kept exact, so nothing else needs this. While no virtual node can exist
     * the answer is 0 and the keyspace is not searched.
     */
    static int countChildren(EngineState s, String path, long rev) {
        if (!s.virtualNodesPossible) {
            return 0;
        }
        return searchChildren(s, path, rev);
    }

    /** {@link #countChildren} on the apply thread: a path never made virtual has no children to find. */
    static int countChildrenWhileApplying(EngineState s, String path, long rev) {
        if (!s.virtualNodesPossible || !s.virtualNodes.mayBeVirtual(path)) {
            return 0;
        }
        return searchChildren(s, path, rev);
    }

    private static int searchChildren(EngineState s, String path, long rev) {
        String prefix = ZkPaths.childPrefix(path);
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] first = s.kv.ceilingKey(p);
        if (first == null || !Bytes.startsWith(first, p)) {
            return 0;
        }
        return children(s, path, rev).size();
    }

    /**
     * Whether a live node key lives below {@code path}, outside the subtree of its child
     * {@code exceptName} (null: anywhere below), at the current revision. It stops at the first
     * one and skips the excepted subtree with one seek, so a virtual node with many children
     * costs no more than one with a few.
     */
    static boolean hasNodeBelowOutside(EngineState s, String path, String exceptName) {
        byte[] p = ZkPaths.childPrefix(path).getBytes(StandardCharsets.UTF_8);
        byte[] end = Bytes.prefixEnd(p);
        if (exceptName == null) {
            return anyLiveNodeKey(s.kv.entries(p, true, end), p.length);
        }
        byte[] excepted = (ZkPaths.childPrefix(path) + exceptName).getBytes(StandardCharsets.UTF_8);
        byte[] exceptedSubtreeEnd = Arrays.copyOf(excepted, excepted.length + 1);
        exceptedSubtreeEnd[excepted.length] = '/' + 1; // past "<child>" and "<child>/..."
        return anyLiveNodeKey(s.kv.entries(p, true, excepted), p.length)
                || anyLiveNodeKey(s.kv.entries(exceptedSubtreeEnd, true, end), p.length)
                || anyLiveSiblingBetween(s, excepted, p.length);
    }

    /**
     * Keys between "<child>" and "<child>/" that are not in the child's subtree ("<child>-x",
     * "<child>.x" sort there): siblings that count.
     */
    private static boolean anyLiveSiblingBetween(EngineState s, byte[] child, int prefixLength) {
        byte[] subtreeStart = Arrays.copyOf(child, child.length + 1);
        subtreeStart[child.length] = '/';
        return anyLiveNodeKey(s.kv.entries(child, false, subtreeStart), prefixLength);
    }

    private static boolean anyLiveNodeKey(Iterator<Map.Entry<byte[], Entry>> range, int prefixLength) {
        while (range.hasNext()) {
            Map.Entry<byte[], Entry> next = range.next();
            if (!next.getValue().head().isTombstone() && ZkPaths.isNodeKeyBelow(next.getKey(), prefixLength)) {
                return true;
            }
        }
        return false;
    }

    /** Every live node below {@code path} (ZooKeeper's getAllChildrenNumber). */
    static int descendants(EngineState s, String path, long rev) {
        byte[] p = ZkPaths.childPrefix(path).getBytes(StandardCharsets.UTF_8);
        int[] n = {0};
        s.kv.scan(p, Bytes.prefixEnd(p), rev, (kv, e) -> {
            if (ZkPaths.isNodeKey(kv.key())) {
                n[0]++;
            }
            return true;
        });
        return n[0];
    }

    /**
     * Lists every virtual node of a restored state (ancestors of live node keys that have no live
     * key themselves) in {@code s.virtualNodes}, and says whether there is any.
     */
    static boolean findVirtualNodes(EngineState s) {
        s.kv.scan(new byte[] {'/'}, new byte[] {'/' + 1}, s.revision, (kv, e) -> {
            byte[] key = kv.key();
            if (ZkPaths.isNodeKey(key)) {
                String parent = ZkPaths.parent(new String(key, StandardCharsets.UTF_8));
                while (!parent.equals("/") && !s.virtualNodes.mayBeVirtual(parent) && !live(s, parent)) {
                    s.virtualNodes.add(parent);
                    parent = ZkPaths.parent(parent);
                }
            }
            return true;
        });
        return !s.virtualNodes.isEmpty();
    }

    private static boolean live(EngineState s, String path) {
        Entry e = s.kv.entry(path.getBytes(StandardCharsets.UTF_8));
        return e != null && !e.head().isTombstone();
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
