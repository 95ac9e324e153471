package dev.cachai.engine.kv;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** KeyTree must answer exactly as a sorted map does, and a reader must keep the tree it started with. */
class KeyTreeTest {

    /** Short keys over a small alphabet (bytes above 0x7f included): many duplicates, splits and removals. */
    @Provide
    Arbitrary<List<byte[]>> operations() {
        Arbitrary<byte[]> key = Arbitraries.bytes().between((byte) 0x2f, (byte) 0x33)
                .list().ofMinSize(0).ofMaxSize(4)
                .map(list -> {
                    byte[] k = new byte[list.size()];
                    for (int i = 0; i < k.length; i++) {
                        k[i] = list.get(i) == 0x33 ? (byte) 0xf0 : list.get(i);
                    }
                    return k;
                });
        return key.list().ofMinSize(1).ofMaxSize(3000);
    }

    @Property(tries = 60)
    void matchesASortedMap(@ForAll("operations") List<byte[]> keys) {
        KeyTree<Integer> tree = new KeyTree<>();
        TreeMap<byte[], Integer> model = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = keys.get(i);
            // Two thirds puts, one third removals: the tree grows, splits, and loses whole nodes.
            if (i % 3 == 2) {
                assertThat(tree.remove(k)).isEqualTo(model.remove(k) != null);
            } else {
                tree.put(k, i);
                model.put(k, i);
            }
            if (i % 97 == 0) {
                assertSame(tree, model, keys.get((i * 31) % keys.size()), keys.get((i * 17) % keys.size()));
            }
        }
        assertSame(tree, model, new byte[0], null);
        for (byte[] k : keys) {
            assertThat(tree.get(k)).isEqualTo(model.get(k));
            assertThat(tree.ceilingKey(k)).isEqualTo(model.ceilingKey(k));
        }
    }

    private static void assertSame(KeyTree<Integer> tree, TreeMap<byte[], Integer> model, byte[] from, byte[] to) {
        assertThat(tree.size()).isEqualTo(model.size());
        List<Integer> values = new ArrayList<>();
        tree.forEachValue(values::add);
        assertThat(values).containsExactlyElementsOf(model.values());
        for (boolean inclusive : new boolean[] {true, false}) {
            NavigableMap<byte[], Integer> expected;
            if (to == null) {
                expected = model.tailMap(from, inclusive);
            } else if (Arrays.compareUnsigned(from, to) > 0) {
                expected = new TreeMap<>(Arrays::compareUnsigned); // an empty range
            } else {
                expected = model.subMap(from, inclusive, to, false);
            }
            assertThat(keysOf(tree.entries(from, inclusive, to))).containsExactlyElementsOf(keysOf(expected));
        }
    }

    private static List<String> keysOf(Iterator<Map.Entry<byte[], Integer>> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(e -> out.add(Arrays.toString(e.getKey()) + "=" + e.getValue()));
        return out;
    }

    private static List<String> keysOf(NavigableMap<byte[], Integer> map) {
        return keysOf(map.entrySet().iterator());
    }

    @Test
    void aReaderKeepsTheTreeItStartedWith() {
        KeyTree<Integer> tree = new KeyTree<>();
        for (int i = 0; i < 10_000; i += 2) {
            tree.put(key(i), i);
        }
        Iterator<Map.Entry<byte[], Integer>> before = tree.entries(new byte[0], true, null);
        for (int i = 0; i < 10_000; i++) {
            if (i % 2 == 0) {
                tree.remove(key(i));
            } else {
                tree.put(key(i), i);
            }
        }
        List<Integer> seen = new ArrayList<>();
        before.forEachRemaining(e -> seen.add(e.getValue()));
        assertThat(seen).hasSize(5_000).allMatch(v -> v % 2 == 0).isSorted();
        List<Integer> now = new ArrayList<>();
        tree.forEachValue(now::add);
        assertThat(now).hasSize(5_000).allMatch(v -> v % 2 == 1).isSorted();
    }

    @Test
    void emptiesAndRefillsUnderRandomChurn() {
        KeyTree<Integer> tree = new KeyTree<>();
        TreeMap<byte[], Integer> model = new TreeMap<>(Arrays::compareUnsigned);
        Random random = new Random(7);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20_000; i++) {
                int k = random.nextInt(50_000);
                tree.put(key(k), k);
                model.put(key(k), k);
            }
            for (byte[] k : new ArrayList<>(model.keySet())) {
                assertThat(tree.remove(k)).isTrue();
            }
            model.clear();
            assertThat(tree.size()).isZero();
            assertThat(tree.entries(new byte[0], true, null).hasNext()).isFalse();
            assertThat(tree.remove(key(1))).isFalse();
        }
    }

    private static byte[] key(int i) {
        return String.format("/n/%08d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
