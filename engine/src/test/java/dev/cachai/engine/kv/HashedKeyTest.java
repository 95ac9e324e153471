package dev.cachai.engine.kv;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HashedKeyTest {
    @Test
    void equalContentIsEqualWhateverTheArray() {
        byte[] a = "/registry/pods/default/web-0".getBytes(StandardCharsets.UTF_8);
        HashedKey k = new HashedKey(a);
        HashedKey copy = new HashedKey(a.clone());
        assertThat(copy).isEqualTo(k).hasSameHashCodeAs(k);
        assertThat(new HashedKey("/registry/pods/default/web-1".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(k);
    }

    @Test
    void keysDifferingInOneByteOrInLengthSpreadOverTheTableBuckets() {
        // Sequential names (the common shape: counters, sequential znodes) at every length from a
        // tail-only key to several eight-byte words, and zero bytes that only the length tells apart.
        Set<Integer> hashes = new HashSet<>();
        Set<Integer> buckets = new HashSet<>();
        int keys = 0;
        for (String prefix : new String[] {"", "/a/", "/registry/minions/node-"}) {
            for (int i = 0; i < 20_000; i++) {
                int h = HashedKey.hash((prefix + i).getBytes(StandardCharsets.UTF_8));
                hashes.add(h);
                buckets.add((h ^ (h >>> 16)) & ((1 << 16) - 1)); // how ConcurrentHashMap picks a bin
                keys++;
            }
        }
        for (int n = 0; n < 64; n++) {
            hashes.add(HashedKey.hash(new byte[n]));
            keys++;
        }
        assertThat(hashes).hasSizeGreaterThan(keys - 10);
        // 60,064 keys in 65,536 bins: a random hash fills about 39,400 of them.
        assertThat(buckets).hasSizeGreaterThan(38_500);
    }
}
