package dev.cachai.engine;

import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkStat;
import dev.cachai.engine.zk.ZkTreeChange;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ZooKeeper tree computed the slow way from the live keys: every live node key is a node,
 * so is each of its ancestors, and a node's children are the first segments below it. Tests
 * compare the engine's view, its stored counts and the tree changes it reports against it.
 */
final class BruteForceTree {
    /** Every node (the root included) and its children. */
    final Map<String, TreeSet<String>> children = new TreeMap<>();
    /** Nodes with a live key of their own (the root counts as one). */
    final Set<String> real = new HashSet<>();
    /** The Stat the engine gave each real node. */
    final Map<String, ZkStat> realStats = new HashMap<>();

    static BruteForceTree of(Engine engine) {
        BruteForceTree t = new BruteForceTree();
        t.children.put("/", new TreeSet<>());
        t.real.add("/");
        engine.keyspace().scan(Bytes.utf8("/"), Bytes.utf8("0"), engine.revision(), (kv, e) -> {
            if (ZkPaths.isNodeKey(kv.key())) {
                t.addLive(Bytes.string(kv.key()));
            }
            return true;
        });
        for (String path : t.real) {
            ZkNode n = engine.zkNode(path);
            if (n != null) {
                t.realStats.put(path, n.stat());
            }
        }
        return t;
    }

    private void addLive(String path) {
        real.add(path);
        String child = path;
        children.computeIfAbsent(child, p -> new TreeSet<>());
        while (!child.equals("/")) {
            String parent = ZkPaths.parent(child);
            boolean known = children.containsKey(parent);
            children.computeIfAbsent(parent, p -> new TreeSet<>()).add(ZkPaths.name(child));
            if (known) {
                return;
            }
            child = parent;
        }
    }

    boolean virtualExists() {
        return children.size() > real.size();
    }

    /** The engine shows exactly this tree: nodes, children lists and every node's numChildren. */
    void assertEngineShowsIt(Engine engine, List<String> probes) {
        children.forEach((path, names) -> {
            ZkNode n = engine.zkNode(path);
            assertThat(n).as("node %s in %s", path, children.keySet()).isNotNull();
            assertThat(engine.zkChildren(path)).as("children of %s in %s", path, children)
                    .containsExactlyElementsOf(names);
            assertThat(n.stat().numChildren()).as("numChildren of %s in %s", path, children).isEqualTo(names.size());
        });
        for (String path : probes) {
            assertThat(engine.zkNode(path) != null).as("node %s in %s", path, children.keySet())
                    .isEqualTo(children.containsKey(path));
        }
        if (virtualExists()) {
            assertThat(engine.state().virtualNodesPossible).as("a virtual node exists in %s", children).isTrue();
        }
        for (String path : children.keySet()) {
            if (!path.equals("/") && !real.contains(path)) {
                assertThat(engine.state().virtualNodes.mayBeVirtual(path))
                        .as("virtual node %s listed for the apply thread", path).isTrue();
            }
        }
    }

    /**
     * The revision's key events and tree changes tell exactly how the tree went from
     * {@code before} to this one, in an order where each create is of an absent node and each
     * delete of a present one; the nodes whose children they change (what NodeChildrenChanged
     * fires for) are the real nodes whose pzxid moved to this revision, and nodes outside them
     * keep their pzxid and cversion. Storing a node ZooKeeper has from its start changes no
     * children (its parent's cversion still counts it: the adapter takes it off).
     */
    void assertChangeLeadsFrom(BruteForceTree before, Change change, long revision) {
        Set<String> present = new TreeSet<>(before.children.keySet());
        Set<String> childrenChanged = new HashSet<>();
        Set<String> storedFromStart = new HashSet<>();
        List<Event> events = change == null ? List.of() : change.events();
        List<ZkTreeChange> tree = change == null ? List.of() : change.treeChanges();
        Set<Integer> reshaped = new HashSet<>();
        for (ZkTreeChange t : tree) {
            if (t.kind() == ZkTreeChange.Kind.BECAME_REAL || t.kind() == ZkTreeChange.Kind.BECAME_VIRTUAL) {
                reshaped.add(t.eventIndex());
            }
        }
        int nextTree = 0;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            boolean isNode = ZkPaths.isNodeKey(e.kv().key());
            String path = Bytes.string(e.kv().key());
            if (isNode && reshaped.contains(i)) {
                assertThat(present).as("the node %s keeps existing at event %d", path, i).contains(path);
            } else if (isNode && e.type() == Event.Type.DELETE && e.prevKv() != null) {
                assertThat(present.remove(path)).as("delete of present %s", path).isTrue();
                childrenChanged.add(ZkPaths.parent(path));
            } else if (isNode && e.type() == Event.Type.PUT && e.prevKv() == null) {
                assertThat(present.add(path)).as("create of absent %s", path).isTrue();
                if (ZkPaths.existsFromStart(path)) {
                    storedFromStart.add(ZkPaths.parent(path)); // ZooKeeper had it all along
                } else {
                    childrenChanged.add(ZkPaths.parent(path));
                }
            }
            for (; nextTree < tree.size() && tree.get(nextTree).eventIndex() == i; nextTree++) {
                ZkTreeChange t = tree.get(nextTree);
                if (t.kind() == ZkTreeChange.Kind.APPEARED) {
                    assertThat(present.add(t.path())).as("%s appears absent", t.path()).isTrue();
                    childrenChanged.add(ZkPaths.parent(t.path()));
                } else if (t.kind() == ZkTreeChange.Kind.VANISHED) {
                    assertThat(present.remove(t.path())).as("%s vanishes present", t.path()).isTrue();
                    childrenChanged.add(ZkPaths.parent(t.path()));
                }
            }
        }
        assertThat(nextTree).as("every tree change follows an event").isEqualTo(tree.size());
        assertThat(present).as("nodes after %s", change).isEqualTo(children.keySet());
        children.forEach((path, names) -> {
            TreeSet<String> old = before.children.get(path);
            if (old != null && !old.equals(names) && !storedFromStart.contains(path)) {
                assertThat(childrenChanged).as("children of %s changed in %s", path, change).contains(path);
            }
        });
        for (String path : real) {
            ZkStat now = realStats.get(path);
            ZkStat then = before.realStats.get(path);
            boolean sameNode = then != null && before.real.contains(path) && then.czxid() == now.czxid();
            if (childrenChanged.contains(path)) {
                assertThat(now.pzxid()).as("pzxid of %s after %s", path, change).isEqualTo(revision);
            } else if (sameNode) {
                assertThat(now.pzxid()).as("pzxid of %s after %s", path, change).isEqualTo(then.pzxid());
                if (!storedFromStart.contains(path)) {
                    assertThat(now.cversion()).as("cversion of %s after %s", path, change).isEqualTo(then.cversion());
                }
            }
        }
    }
}
