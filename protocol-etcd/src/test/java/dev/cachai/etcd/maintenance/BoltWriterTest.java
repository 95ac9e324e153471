package dev.cachai.etcd.maintenance;

import dev.cachai.etcd.bolt.BoltLayout;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file's frame as bbolt reads it before any bucket: the two meta pages and the freelist.
 * Whether bbolt itself opens and checks whole files, and etcd restores from them, is
 * {@code CachaiSnapshotTest}'s (migration-tool), against a real etcdctl and etcd.
 */
class BoltWriterTest {
    private static final int PAGE = BoltWriter.PAGE_BYTES;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer file(BoltWriter w) {
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        w.toPages().forEach(whole::writeBytes);
        return ByteBuffer.wrap(whole.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void metaPagesNameTheRootAndTheFreelistAndCarryTheirChecksum() {
        BoltWriter w = new BoltWriter();
        w.bucket(bytes("key"), List.of(new BoltWriter.Pair(bytes("a"), bytes("1"))));
        w.bucket(bytes("empty"), List.of());
        ByteBuffer f = file(w);
        // Metas, freelist, one leaf per bucket, the root bucket's leaf.
        assertThat(f.capacity()).isEqualTo(6 * PAGE);
        for (int meta = 0; meta < 2; meta++) {
            int at = meta * PAGE;
            assertThat(f.getLong(at)).as("page id").isEqualTo(meta);
            assertThat(f.getShort(at + 8)).as("meta flag").isEqualTo((short) 0x04);
            int m = at + 16;
            assertThat(f.getInt(m)).isEqualTo(0xED0CDAED);
            assertThat(f.getInt(m + 4)).as("version").isEqualTo(2);
            assertThat(f.getInt(m + 8)).as("page size").isEqualTo(PAGE);
            assertThat(f.getLong(m + 16)).as("root bucket page").isEqualTo(5);
            assertThat(f.getLong(m + 32)).as("freelist page").isEqualTo(2);
            assertThat(f.getLong(m + 40)).as("pages in the file").isEqualTo(6);
            assertThat(f.getLong(m + 48)).as("txid").isEqualTo(meta + 1);
            assertThat(f.getLong(m + 56)).isEqualTo(BoltLayout.fnv64a(f, m, 56));
        }
        assertThat(f.getShort(2 * PAGE + 8)).as("freelist flag").isEqualTo((short) 0x10);
        assertThat(f.getShort(2 * PAGE + 10)).as("no free pages").isZero();
        int root = 5 * PAGE;
        assertThat(f.getShort(root + 8)).as("leaf").isEqualTo((short) 0x02);
        assertThat(f.getShort(root + 10)).as("two buckets").isEqualTo((short) 2);
        assertThat(f.getInt(root + 16)).as("a bucket entry").isEqualTo(1);
    }

    @Test
    void theMetaChecksumIsFnv1a64() {
        // The published FNV-1a test vectors.
        assertThat(BoltLayout.fnv64a(ByteBuffer.allocate(0), 0, 0)).isEqualTo(0xcbf29ce484222325L);
        assertThat(BoltLayout.fnv64a(ByteBuffer.wrap(bytes("a")), 0, 1)).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(BoltLayout.fnv64a(ByteBuffer.wrap(bytes("foobar")), 0, 6)).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void aValueLargerThanAPageContinuesOnOverflowPages() {
        BoltWriter w = new BoltWriter();
        w.bucket(bytes("key"), List.of(new BoltWriter.Pair(bytes("big"), new byte[3 * PAGE])));
        ByteBuffer f = file(w);
        int leaf = 3 * PAGE;
        assertThat(f.getShort(leaf + 8)).isEqualTo((short) 0x02);
        assertThat(f.getInt(leaf + 12)).as("overflow pages").isEqualTo(3);
        assertThat(f.getLong(16 + 16)).as("the meta names the root bucket page, after the overflow").isEqualTo(7);
    }

    @Test
    void manyPairsGetABranchPageOverTheirLeaves() {
        List<BoltWriter.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            pairs.add(new BoltWriter.Pair(bytes(String.format("k%05d", i)), new byte[100]));
        }
        BoltWriter w = new BoltWriter();
        w.bucket(bytes("key"), pairs);
        ByteBuffer f = file(w);
        long rootBucket = f.getLong(16 + 16);
        int rootAt = (int) rootBucket * PAGE;
        // The root bucket's one entry names the bucket's root page: a branch over the leaves.
        int entry = rootAt + 16;
        int keyAt = entry + f.getInt(entry + 4);
        long bucketRoot = f.getLong(keyAt + f.getInt(entry + 8));
        int branch = (int) bucketRoot * PAGE;
        assertThat(f.getShort(branch + 8)).as("branch").isEqualTo((short) 0x01);
        int children = f.getShort(branch + 10);
        assertThat(children).isGreaterThan(1);
        int leafEntries = 0;
        for (int i = 0; i < children; i++) {
            int element = branch + 16 + i * 16;
            int leaf = (int) f.getLong(element + 8) * PAGE;
            assertThat(f.getShort(leaf + 8)).isEqualTo((short) 0x02);
            int firstLeafKey = leaf + 16 + f.getInt(leaf + 16 + 4);
            byte[] branchKey = new byte[f.getInt(element + 4)];
            f.get(element + f.getInt(element), branchKey);
            byte[] leafKey = new byte[branchKey.length];
            f.get(firstLeafKey, leafKey);
            assertThat(branchKey).as("a branch key is its child's first key").isEqualTo(leafKey);
            leafEntries += f.getShort(leaf + 10);
        }
        assertThat(leafEntries).isEqualTo(1_000);
    }

    @Test
    void pairsOutOfOrderOrABucketAddedTwiceAreRefused() {
        BoltWriter w = new BoltWriter();
        assertThatThrownBy(() -> w.bucket(bytes("key"), List.of(new BoltWriter.Pair(bytes("b"), bytes("")),
                new BoltWriter.Pair(bytes("a"), bytes("")))))
                .isInstanceOf(IllegalArgumentException.class);
        w.bucket(bytes("key"), List.of());
        assertThatThrownBy(() -> w.bucket(bytes("key"), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
