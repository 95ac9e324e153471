package dev.cachai.engine.kv;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pruning visits only the entries holding history, so it must leave exactly what a walk of the
 * whole keyspace under the same rules leaves: same chains, same keys, same byte count, also in a
 * store restored from another's chains.
 */
class KvStorePruneTest {
    private static final byte[] VALUE = new byte[8];

    /** One step: 0 put, 1 delete, 2 prune at a revision behind the newest, 3 copy the store by restore. */
    record Op(int kind, int key, int back) {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 6))
                .as((k, key, back) -> new Op(k < 10 ? 0 : k < 16 ? 1 : k < 20 ? 2 : 3, key, back));
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 200)
    void leavesWhatAWholeKeyspaceWalkLeaves(@ForAll("operations") List<Op> ops) {
        KvStore store = new KvStore();
        Model model = new Model();
        long rev = 0;
        long pruned = 0;
        for (Op op : ops) {
            if (op.kind() == 0) {
                rev++;
                store.put(key(op.key()), VALUE, false, 0, rev, 0);
                model.put(op.key(), rev);
            } else if (op.kind() == 1) {
                if (model.isLive(op.key())) {
                    rev++;
                    store.delete(key(op.key()), rev);
                    model.delete(op.key(), rev);
                }
            } else if (op.kind() == 2) {
                long at = Math.max(pruned, rev - op.back());
                store.prune(at);
                model.prune(at);
                pruned = at;
            } else {
                store = copyByRestore(store);
            }
            assertSame(store, model);
        }
    }

    @Test
    void aKeyWrittenOnceIsLeftAlone() {
        KvStore store = new KvStore();
        store.put(key(1), VALUE, false, 0, 1, 0);
        store.put(key(2), VALUE, false, 0, 2, 0);
        store.put(key(2), VALUE, false, 0, 3, 0);
        store.delete(key(2), 4);
        store.prune(4);
        assertThat(chain(store.entry(key(2)).head())).as("the tombstone at the prune revision stays alone")
                .containsExactly("4d");
        store.prune(5);
        assertThat(store.entry(key(2))).isNull();
        assertThat(chain(store.entry(key(1)).head())).containsExactly("1");
        assertThat(store.retainedBytes()).isEqualTo(key(1).length + VALUE.length + KvStore.VERSION_OVERHEAD_BYTES);
    }

    private static KvStore copyByRestore(KvStore from) {
        KvStore to = new KvStore();
        from.forEachEntry(e -> to.restore(e.head(), e.meta()));
        return to;
    }

    private static void assertSame(KvStore store, Model model) {
        Map<Integer, List<String>> actual = new TreeMap<>();
        store.forEachEntry(e -> actual.put(Integer.parseInt(new String(e.head().key(), StandardCharsets.UTF_8).substring(1)),
                chain(e.head())));
        assertThat(actual).isEqualTo(model.chains);
        long versions = model.chains.values().stream().mapToLong(List::size).sum();
        long tombstones = model.chains.values().stream().flatMap(List::stream).filter(v -> v.endsWith("d")).count();
        assertThat(store.retainedBytes()).as("tombstones carry no value")
                .isEqualTo(versions * (key(0).length + KvStore.VERSION_OVERHEAD_BYTES) + (versions - tombstones) * VALUE.length);
        long live = model.chains.values().stream().filter(c -> !c.get(0).endsWith("d")).count();
        assertThat(store.liveKeys()).isEqualTo(live);
        assertThat(store.liveBytes()).as("key and value of each live key").isEqualTo(live * (key(0).length + VALUE.length));
    }

    @Test
    void liveBytesFollowRewritesAndARollback() {
        KvStore store = new KvStore();
        store.put(key(1), new byte[3], false, 0, 1, 0);
        KeyValue before = store.entry(key(1)).head();
        store.put(key(1), new byte[10], false, 0, 2, 0);
        store.put(key(2), new byte[1], false, 0, 3, 0);
        assertThat(store.liveBytes()).isEqualTo(2 + 10 + 2 + 1);
        store.reset(key(1), before, store.entry(key(1)).meta()); // a multi rolled back: the first version again
        store.reset(key(2), null, null); // ... and a create undone
        assertThat(store.liveBytes()).isEqualTo(2 + 3);
        store.delete(key(1), 4);
        assertThat(store.liveBytes()).isZero();
    }

    private static List<String> chain(KeyValue head) {
        List<String> out = new ArrayList<>();
        for (KeyValue v = head; v != null; v = v.older) {
            out.add(v.modRevision() + (v.isTombstone() ? "d" : ""));
        }
        return out;
    }

    private static byte[] key(int k) {
        return ("k" + k).getBytes(StandardCharsets.UTF_8);
    }

    /** Chains newest first as "rev" or "revd" (a tombstone), pruned by walking every key. */
    private static final class Model {
        final Map<Integer, List<String>> chains = new TreeMap<>();

        boolean isLive(int key) {
            List<String> c = chains.get(key);
            return c != null && !c.get(0).endsWith("d");
        }

        void put(int key, long rev) {
            chains.computeIfAbsent(key, k -> new ArrayList<>()).add(0, Long.toString(rev));
        }

        void delete(int key, long rev) {
            chains.get(key).add(0, rev + "d");
        }

        void prune(long rev) {
            chains.entrySet().removeIf(e -> {
                String head = e.getValue().get(0);
                return head.endsWith("d") && revision(head) < rev;
            });
            for (List<String> c : chains.values()) {
                int i = 0;
                while (i < c.size() && revision(c.get(i)) > rev) {
                    i++;
                }
                if (i == c.size()) {
                    continue;
                }
                boolean dropVersionToo = c.get(i).endsWith("d") && revision(c.get(i)) < rev;
                c.subList(dropVersionToo ? i : i + 1, c.size()).clear();
            }
        }

        private static long revision(String v) {
            return Long.parseLong(v.endsWith("d") ? v.substring(0, v.length() - 1) : v);
        }
    }
}
