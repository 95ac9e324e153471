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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/**
 * The ZooKeeper tree read from the flat keyspace. A key that is a valid path is a node; a path
 * with live descendants but no key of its own (written through etcd) is a virtual, empty node.
 */
final class ZkView {
    private ZkView() {}

    static ZkNode node(EngineState s, String path, long rev) {
        if (path.equals("/")) {
            NodeMeta m = s.rootMeta;
            return new ZkNode(path, new byte[0], rootStat(m), m.acl());
        }
        byte[] key = path.getBytes(StandardCharsets.UTF_8);
        Entry e = s.kv.entry(key);
        KeyValue v = e == null ? null : e.head();
        if (v != null && v.modRevision() > rev) {
            v = s.kv.get(key, rev);
        }
        if (v != null && !v.isTombstone()) {
            NodeMeta m = metaAt(e, v, rev);
            return new ZkNode(path, v.isNullValue() ? null : v.value(), stat(v, m), m.acl());
        }
        int children = countChildren(s, path, rev);
        if (children == 0) {
            return null;
        }
        ZkStat virtual = new ZkStat(0, 0, 0, 0, 0, 0, 0, 0, 0, children, 0);
        return new ZkNode(path, new byte[0], virtual, Acl.OPEN_ACL_UNSAFE);
    }

    static NodeMeta metaAt(Entry e, KeyValue v, long rev) {
        NodeMeta stored = e.meta();
        NodeMeta m = stored == null ? null : stored.at(rev);
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

    static ZkStat rootStat(NodeMeta m) {
        return new ZkStat(0, 0, 0, 0, 0, m.clientCversion(), m.aversion(), 0, 0, m.numChildren(), m.pzxid());
    }

    /** Child names in key order, or an empty list. Subtrees are skipped, so the cost follows the children. */
    static List<String> children(EngineState s, String path, long rev) {
        String prefix = ZkPaths.childPrefix(path);
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        NavigableMap<byte[], Entry> range = s.kv.view(p, Bytes.prefixEnd(p));
        Set<String> names = new LinkedHashSet<>();
        byte[] cursor = p;
        while (true) {
            Map.Entry<byte[], Entry> next = range.ceilingEntry(cursor);
            if (next == null) {
                break;
            }
            byte[] key = next.getKey();
            KeyValue v = next.getValue().head().modRevision() > rev ? s.kv.get(key, rev) : next.getValue().head();
            int slash = indexOf(key, (byte) '/', p.length);
            boolean live = v != null && !v.isTombstone() && ZkPaths.isNodeKey(key);
            if (slash < 0) {
                if (live) {
                    names.add(new String(key, p.length, key.length - p.length, StandardCharsets.UTF_8));
                }
                cursor = Bytes.successor(key);
            } else {
                if (live) {
                    names.add(new String(key, p.length, slash - p.length, StandardCharsets.UTF_8));
                    byte[] skip = java.util.Arrays.copyOf(key, slash + 1);
                    skip[slash] = '0';
                    cursor = skip;
                } else {
                    cursor = Bytes.successor(key);
                }
            }
        }
        return new ArrayList<>(names);
    }

    static int countChildren(EngineState s, String path, long rev) {
        String prefix = ZkPaths.childPrefix(path);
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] first = s.kv.ceilingKey(p);
        if (first == null || !Bytes.startsWith(first, p)) {
            return 0;
        }
        return children(s, path, rev).size();
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

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
