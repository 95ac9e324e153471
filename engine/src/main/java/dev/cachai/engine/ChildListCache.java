package dev.cachai.engine;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Recent child listings by path. A node's pzxid is the revision of the last change to its set of
 * children (virtual children included), and its czxid tells one incarnation of the path from
 * the next, so a listing taken while the node showed a given (czxid, pzxid) is the listing for
 * every read that sees the same pair: no invalidation is needed, a write simply makes the old
 * entry miss. Readers fill it; listing children walks the ordered keyspace, and clients such
 * as Kafka and Curator list the same parents over and over.
 */
final class ChildListCache {
    /** Longer listings are not kept: rare, and each would take a large share of the budget. */
    static final int NAMES_PER_LISTING_MAX = 10_000;
    /** Names held in all listings together; past it the cache starts over (a bound, not an LRU). */
    static final long NAMES_CACHED_MAX = 200_000;
    static final int LISTINGS_CACHED_MAX = 4_096;

    private record Listing(long czxid, long pzxid, int numChildren, List<String> names) {}

    private final ConcurrentHashMap<String, Listing> listings = new ConcurrentHashMap<>();
    private final AtomicLong namesCached = new AtomicLong();

    /**
     * The children of {@code path} as {@code list} gives them, or a listing taken earlier under
     * the same (czxid, pzxid, numChildren). The list returned is unmodifiable.
     */
    List<String> children(String path, long czxid, long pzxid, int numChildren, Supplier<List<String>> list) {
        Listing cached = listings.get(path);
        if (cached != null && cached.czxid == czxid && cached.pzxid == pzxid && cached.numChildren == numChildren) {
            return cached.names;
        }
        List<String> names = list.get();
        if (!(names instanceof AsciiNames)) {
            names = java.util.Collections.unmodifiableList(names);
        }
        // A listing that disagrees with the count it is keyed on is not kept: that key would not
        // name it (the caller already lists afresh for a node written after its revision).
        if (names.size() == numChildren && names.size() <= NAMES_PER_LISTING_MAX) {
            keep(path, new Listing(czxid, pzxid, numChildren, names));
        }
        return names;
    }

    private void keep(String path, Listing listing) {
        if (namesCached.addAndGet(listing.names.size()) > NAMES_CACHED_MAX || listings.size() >= LISTINGS_CACHED_MAX) {
            listings.clear();
            namesCached.set(listing.names.size());
        }
        Listing replaced = listings.put(path, listing);
        if (replaced != null) {
            namesCached.addAndGet(-replaced.names.size());
        }
    }
}
