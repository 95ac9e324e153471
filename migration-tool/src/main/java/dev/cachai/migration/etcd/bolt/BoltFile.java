package dev.cachai.migration.etcd.bolt;

import dev.cachai.migration.MigrationException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static dev.cachai.etcd.bolt.BoltLayout.BUCKET_HEADER_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.ELEMENT_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.FLAG_BRANCH;
import static dev.cachai.etcd.bolt.BoltLayout.FLAG_LEAF;
import static dev.cachai.etcd.bolt.BoltLayout.FLAG_META;
import static dev.cachai.etcd.bolt.BoltLayout.LEAF_FLAG_BUCKET;
import static dev.cachai.etcd.bolt.BoltLayout.MAGIC;
import static dev.cachai.etcd.bolt.BoltLayout.META_CHECKSUMMED_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.PAGE_HEADER_BYTES;
import static dev.cachai.etcd.bolt.BoltLayout.VERSION;
import static dev.cachai.etcd.bolt.BoltLayout.fnv64a;

/**
 * Reads a bbolt database file (etcd's backend, and what {@code etcdctl snapshot save} writes) without bbolt: pages
 * are read by id from the file, the newest valid meta page names the root bucket, and a bucket's B+tree is walked in
 * key order. The layout is {@link dev.cachai.etcd.bolt.BoltLayout}'s (shared with the snapshots Cachai writes); a
 * bucket whose root page id is 0 has its page inline, after its bucket header.
 */
public final class BoltFile implements AutoCloseable {
    /** B+tree depth we follow before calling the file corrupt. */
    static final int DEPTH_MAX = 64;
    /** bbolt's largest page size; anything else in a meta page means it is not a bbolt file. */
    static final int PAGE_BYTES_MAX = 1 << 16;

    /** Receives a bucket's entries in key order. */
    public interface EntrySink {
        void accept(byte[] key, byte[] value);
    }

    private final Path path;
    private final FileChannel file;
    private final int pageBytes;
    private final long rootPage;

    public BoltFile(Path path) {
        this.path = path;
        try {
            file = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new MigrationException("cannot open " + path + ": " + e.getMessage());
        }
        try {
            ByteBuffer first = read(0, 4096);
            int size = first.getInt(PAGE_HEADER_BYTES + 8);
            if (first.getInt(PAGE_HEADER_BYTES) != MAGIC || size < 512 || size > PAGE_BYTES_MAX) {
                throw corrupt("no bbolt meta page at the start");
            }
            pageBytes = size;
            ByteBuffer meta0 = read(0, pageBytes);
            ByteBuffer meta1 = read(pageBytes, pageBytes);
            boolean ok0 = validMeta(meta0);
            boolean ok1 = validMeta(meta1);
            if (!ok0 && !ok1) {
                throw corrupt("both meta pages are invalid");
            }
            ByteBuffer meta = !ok1 || (ok0 && txid(meta0) >= txid(meta1)) ? meta0 : meta1;
            rootPage = meta.getLong(PAGE_HEADER_BYTES + 16);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static boolean validMeta(ByteBuffer page) {
        if ((page.getShort(8) & FLAG_META) == 0 || page.getInt(PAGE_HEADER_BYTES) != MAGIC
                || page.getInt(PAGE_HEADER_BYTES + 4) != VERSION) {
            return false;
        }
        return page.getLong(PAGE_HEADER_BYTES + META_CHECKSUMMED_BYTES) == fnv64a(page, PAGE_HEADER_BYTES, META_CHECKSUMMED_BYTES);
    }

    private static long txid(ByteBuffer meta) {
        return meta.getLong(PAGE_HEADER_BYTES + 48);
    }

    /** Every entry of the top-level bucket {@code name} in key order; false when there is no such bucket. */
    public boolean forEach(String name, EntrySink sink) {
        byte[] wanted = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[][] found = new byte[1][];
        walk(page(rootPage), 0, (key, value, flags) -> {
            if ((flags & LEAF_FLAG_BUCKET) != 0 && Arrays.equals(key, wanted)) {
                found[0] = value;
            }
        });
        if (found[0] == null) {
            return false;
        }
        ByteBuffer header = ByteBuffer.wrap(found[0]).order(ByteOrder.LITTLE_ENDIAN);
        long root = header.getLong(0);
        ByteBuffer bucketRoot = root != 0 ? page(root)
                : ByteBuffer.wrap(found[0], BUCKET_HEADER_BYTES, found[0].length - BUCKET_HEADER_BYTES).slice()
                        .order(ByteOrder.LITTLE_ENDIAN);
        walk(bucketRoot, 0, (key, value, flags) -> {
            if ((flags & LEAF_FLAG_BUCKET) == 0) {
                sink.accept(key, value);
            }
        });
        return true;
    }

    private interface ElementSink {
        void accept(byte[] key, byte[] value, int flags);
    }

    private void walk(ByteBuffer page, int depth, ElementSink sink) {
        if (depth > DEPTH_MAX) {
            throw corrupt("B+tree deeper than " + DEPTH_MAX);
        }
        int flags = page.getShort(8) & 0xFFFF;
        int count = page.getShort(10) & 0xFFFF;
        for (int i = 0; i < count; i++) {
            int element = PAGE_HEADER_BYTES + i * ELEMENT_BYTES;
            if ((flags & FLAG_BRANCH) != 0) {
                walk(page(page.getLong(element + 8)), depth + 1, sink);
            } else if ((flags & FLAG_LEAF) != 0) {
                int pos = element + page.getInt(element + 4);
                int keyBytes = page.getInt(element + 8);
                int valueBytes = page.getInt(element + 12);
                sink.accept(bytes(page, pos, keyBytes), bytes(page, pos + keyBytes, valueBytes), page.getInt(element));
            } else {
                throw corrupt("page " + page.getLong(0) + " is neither a branch nor a leaf (flags " + flags + ")");
            }
        }
    }

    private byte[] bytes(ByteBuffer page, int from, int length) {
        if (from < 0 || length < 0 || from + length > page.limit()) {
            throw corrupt("an element points outside its page");
        }
        byte[] out = new byte[length];
        page.get(from, out);
        return out;
    }

    /** Page {@code id} with its overflow pages. */
    private ByteBuffer page(long id) {
        long offset = id * pageBytes;
        ByteBuffer head = read(offset, PAGE_HEADER_BYTES);
        if (head.getLong(0) != id) {
            throw corrupt("page " + id + " carries id " + head.getLong(0));
        }
        long overflow = head.getInt(12) & 0xFFFF_FFFFL;
        long bytes = (overflow + 1) * pageBytes;
        if (bytes > Integer.MAX_VALUE) {
            throw corrupt("page " + id + " spans " + bytes + " bytes");
        }
        return read(offset, (int) bytes);
    }

    private ByteBuffer read(long offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (b.hasRemaining()) {
                if (file.read(b, offset + b.position()) < 0) {
                    throw corrupt("ends inside page data at byte " + (offset + b.position()));
                }
            }
        } catch (IOException e) {
            throw new MigrationException("cannot read " + path + ": " + e.getMessage());
        }
        return b.flip();
    }

    private MigrationException corrupt(String why) {
        return new MigrationException(path + " is not a readable etcd snapshot (bbolt file): " + why);
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
