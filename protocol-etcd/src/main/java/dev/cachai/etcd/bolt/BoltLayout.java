package dev.cachai.etcd.bolt;

import java.nio.ByteBuffer;

/**
 * The bbolt file layout both Cachai's snapshot writer and the migration tool's reader follow
 * (etcd's backend; little-endian, as bbolt writes it on every platform etcd runs on). Every page
 * starts with a 16-byte header (id u64, flags u16, count u16, overflow u32). A meta page holds
 * magic, version, page size, flags, the root bucket (page id u64, sequence u64), the freelist
 * page, the page high-water mark, the txid and a checksum of those. A branch element is (pos u32,
 * ksize u32, child page id u64), a leaf element (flags u32, pos u32, ksize u32, vsize u32), pos
 * counting from the element itself to its key; a leaf element flagged as a bucket holds a bucket
 * header (root page id u64, sequence u64).
 */
public final class BoltLayout {
    public static final int PAGE_HEADER_BYTES = 16;
    public static final int ELEMENT_BYTES = 16;
    public static final int BUCKET_HEADER_BYTES = 16;
    public static final int FLAG_BRANCH = 0x01;
    public static final int FLAG_LEAF = 0x02;
    public static final int FLAG_META = 0x04;
    public static final int FLAG_FREELIST = 0x10;
    public static final int LEAF_FLAG_BUCKET = 0x01;
    public static final int MAGIC = 0xED0CDAED;
    public static final int VERSION = 2;
    /** The meta fields its checksum covers: magic up to and including txid. */
    public static final int META_CHECKSUMMED_BYTES = 56;

    private BoltLayout() {}

    /** FNV-1a, 64 bits, over {@code length} bytes from {@code from}: bbolt's meta checksum. */
    public static long fnv64a(ByteBuffer b, int from, int length) {
        long hash = 0xcbf29ce484222325L;
        for (int i = from; i < from + length; i++) {
            hash ^= b.get(i) & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
