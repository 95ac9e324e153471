package dev.cachai.zk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order ZooKeeper lists a connection's auth info in (whoAmI). It keeps the ids in a set backed
 * by a ConcurrentHashMap, so they come out by the bin their hash falls in, and in the order they
 * were added within a bin. The hash is the jute-generated one of its Id record (scheme, then id).
 * A table grows past three quarters full; beyond 11 ids its rehashing may reorder a bin, which
 * this does not follow.
 */
final class AuthInfoOrder {
    /** ConcurrentHashMap's default table size. */
    static final int TABLE_SIZE_MIN = 16;

    /** One id as ZooKeeper holds it, and the user name whoAmI shows for it. */
    record Entry(String scheme, String id, String user) {}

    private AuthInfoOrder() {}

    /** {@code added}, in the order the ids were added, as ZooKeeper iterates them. */
    static List<Entry> asZooKeeperLists(List<Entry> added) {
        int tableSize = tableSize(added.size());
        List<Entry> out = new ArrayList<>(added);
        out.sort(Comparator.comparingInt(e -> bin(idHash(e.scheme(), e.id()), tableSize))); // stable
        return out;
    }

    static int tableSize(int entries) {
        int n = TABLE_SIZE_MIN;
        while (entries >= n - (n >>> 2)) {
            n <<= 1;
        }
        return n;
    }

    /** org.apache.zookeeper.data.Id#hashCode. */
    static int idHash(String scheme, String id) {
        int result = 17;
        result = 37 * result + scheme.hashCode();
        return 37 * result + id.hashCode();
    }

    /** Where ConcurrentHashMap puts a hash in a table of {@code tableSize} (a power of two). */
    static int bin(int hash, int tableSize) {
        int spread = (hash ^ (hash >>> 16)) & 0x7fffffff;
        return spread & (tableSize - 1);
    }
}
