package dev.cachai.etcd.maintenance;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.cachai.etcd.bolt.BoltLayout.BUCKET_HEADER_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.ELEMENT_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.FLAG_BRANCH;
import static dev.cachai.etcd.bolt.BoltLayout.FLAG_FREELIST;
import static dev.cachai.etcd.bolt.BoltLayout.FLAG_LEAF;
import static dev.cachai.etcd.bolt.BoltLayout.FLAG_META;
import static dev.cachai.etcd.bolt.BoltLayout.LEAF_FLAG_BUCKET;
import static dev.cachai.etcd.bolt.BoltLayout.MAGIC;
import static dev.cachai.etcd.bolt.BoltLayout.META_CHECKSUMMED_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.PAGE_HEADER_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.VERSION;
import static dev.cachai.etcd.bolt.BoltLayout.fnv64a;

/**
 * Writes a new bbolt database file, the format of etcd's backend and of what {@code etcdctl
 * snapshot save} stores, so that bbolt itself (etcdctl's {@code snapshot status} and {@code
 * snapshot restore}, etcd starting on a restored directory) opens it and passes its consistency
 * check. Each top-level bucket holds plain key/value pairs in its own B+tree; nothing is inline.
 *
 * <p>Pages 0 and 1 are the two meta pages, page 2 the (empty) freelist, then every bucket's leaf and
 * branch pages, then the root bucket's page (the layout is {@link dev.cachai.etcd.bolt.BoltLayout}'s).
 * A page too full for its size continues on contiguous overflow pages.
 */
final class BoltWriter {
    static final int PAGE_BYTES = 4096;
    /** The first page a bucket's tree may use: after the two metas and the freelist. */
    private static final long FIRST_DATA_PAGE = 3;

    /** One key/value pair of a bucket. */
    record Pair(byte[] key, byte[] value) {}

    private record Element(byte[] key, byte[] value, long child, int flags) {
        int bytes() {
            return ELEMENT_BYTES + key.length + (value == null ? 0 : value.length);
        }
    }

    private final TreeMap<byte[], List<Pair>> buckets = new TreeMap<>(Arrays::compareUnsigned);
    /** The buckets' pages after the first three, each with its overflow pages, in page order. */
    private final List<byte[]> pages = new ArrayList<>();
    private long nextPage = FIRST_DATA_PAGE;

    /** Adds a top-level bucket; its pairs must be sorted by key (unsigned bytes) and unique. */
    void bucket(byte[] name, List<Pair> sortedPairs) {
        for (int i = 1; i < sortedPairs.size(); i++) {
            if (Arrays.compareUnsigned(sortedPairs.get(i - 1).key(), sortedPairs.get(i).key()) >= 0) {
                throw new IllegalArgumentException("bucket pairs out of order at " + i);
            }
        }
        if (buckets.putIfAbsent(name, sortedPairs) != null) {
            throw new IllegalArgumentException("bucket added twice");
        }
    }

    /**
     * The whole file in page order, in parts of one page or more (meta pages, freelist, the
     * buckets' pages, the root bucket's): a large file is never copied into one array.
     */
    List<byte[]> toPages() {
        List<Element> roots = new ArrayList<>();
        for (Map.Entry<byte[], List<Pair>> b : buckets.entrySet()) {
            long root = writeTree(leafElements(b.getValue()));
            byte[] header = ByteBuffer.allocate(BUCKET_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(root).putLong(0).array();
            roots.add(new Element(b.getKey(), header, 0, LEAF_FLAG_BUCKET));
        }
        long rootBucketPage = writeTree(roots);
        List<byte[]> file = new ArrayList<>(pages.size() + (int) FIRST_DATA_PAGE);
        file.add(meta(0, rootBucketPage, 1));
        file.add(meta(1, rootBucketPage, 2));
        ByteBuffer freelist = ByteBuffer.allocate(PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        pageHeader(freelist, 0, 2, FLAG_FREELIST, 0, 0);
        file.add(freelist.array());
        file.addAll(pages);
        return file;
    }

    private static List<Element> leafElements(List<Pair> pairs) {
        List<Element> out = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            out.add(new Element(p.key(), p.value(), 0, 0));
        }
        return out;
    }

    /** Writes leaves holding {@code elements}, then branch levels over them; returns the tree's root page. */
    private long writeTree(List<Element> elements) {
        List<Element> level = elements;
        boolean leaves = true;
        while (true) {
            List<Element> parents = new ArrayList<>();
            int start = 0;
            do {
                int end = pageEnd(level, start);
                long id = writePage(level.subList(start, end), leaves);
                byte[] firstKey = start < level.size() ? level.get(start).key() : new byte[0];
                parents.add(new Element(firstKey, null, id, 0));
                start = end;
            } while (start < level.size());
            if (parents.size() == 1) {
                return parents.get(0).child();
            }
            level = parents;
            leaves = false;
        }
    }

    /** Where the page starting at {@code start} ends: as many elements as fit, at least one. */
    private static int pageEnd(List<Element> level, int start) {
        int used = PAGE_HEADER_BYTES;
        int end = start;
        while (end < level.size() && (end == start || used + level.get(end).bytes() <= PAGE_BYTES)) {
            used += level.get(end).bytes();
            end++;
        }
        return end;
    }

    private long writePage(List<Element> elements, boolean leaf) {
        int bytes = PAGE_HEADER_BYTES;
        for (Element e : elements) {
            bytes += e.bytes();
        }
        int pageCount = (bytes + PAGE_BYTES - 1) / PAGE_BYTES;
        long id = nextPage;
        nextPage += pageCount;
        ByteBuffer page = ByteBuffer.allocate(pageCount * PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        pageHeader(page, 0, id, leaf ? FLAG_LEAF : FLAG_BRANCH, elements.size(), pageCount - 1);
        int data = PAGE_HEADER_BYTES + elements.size() * ELEMENT_BYTES;
        for (int i = 0; i < elements.size(); i++) {
            Element e = elements.get(i);
            int at = PAGE_HEADER_BYTES + i * ELEMENT_BYTES;
            if (leaf) {
                page.putInt(at, e.flags()).putInt(at + 4, data - at).putInt(at + 8, e.key().length)
                        .putInt(at + 12, e.value().length);
            } else {
                page.putInt(at, data - at).putInt(at + 4, e.key().length).putLong(at + 8, e.child());
            }
            page.put(data, e.key());
            data += e.key().length;
            if (leaf) {
                page.put(data, e.value());
                data += e.value().length;
            }
        }
        pages.add(page.array());
        return id;
    }

    private static void pageHeader(ByteBuffer b, int at, long id, int flags, int count, int overflow) {
        if (count > 0xFFFF) {
            throw new IllegalStateException("more elements than a page header counts");
        }
        b.putLong(at, id).putShort(at + 8, (short) flags).putShort(at + 10, (short) count).putInt(at + 12, overflow);
    }

    private byte[] meta(int pageId, long rootBucketPage, long txid) {
        ByteBuffer page = ByteBuffer.allocate(PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        pageHeader(page, 0, pageId, FLAG_META, 0, 0);
        int m = PAGE_HEADER_BYTES;
        page.putInt(m, MAGIC).putInt(m + 4, VERSION).putInt(m + 8, PAGE_BYTES).putInt(m + 12, 0)
                .putLong(m + 16, rootBucketPage).putLong(m + 24, 0)
                .putLong(m + 32, 2) // the freelist page
                .putLong(m + 40, nextPage) // the high-water mark: pages in the file
                .putLong(m + 48, txid);
        page.putLong(m + META_CHECKSUMMED_BYTES, fnv64a(page, m, META_CHECKSUMMED_BYTES));
        return page.array();
    }
}
