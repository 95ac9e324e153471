package dev.cachai.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChildListCacheTest {
    private final ChildListCache cache = new ChildListCache();
    private final AtomicInteger listed = new AtomicInteger();

    private Supplier<List<String>> lister(String... names) {
        return () -> {
            listed.incrementAndGet();
            return new ArrayList<>(List.of(names));
        };
    }

    @Test
    void theSameCzxidPzxidAndCountAnswerFromTheCache() {
        assertThat(cache.children("/a", 5, 9, 2, lister("x", "y"))).containsExactly("x", "y");
        assertThat(cache.children("/a", 5, 9, 2, lister("stale"))).containsExactly("x", "y");
        assertThat(listed).hasValue(1);
    }

    @Test
    void aNewPzxidOrAnotherIncarnationListsAgain() {
        cache.children("/a", 5, 9, 2, lister("x", "y"));
        assertThat(cache.children("/a", 5, 11, 3, lister("x", "y", "z"))).containsExactly("x", "y", "z");
        assertThat(cache.children("/a", 12, 11, 3, lister("p", "q", "r"))).containsExactly("p", "q", "r");
        assertThat(listed).hasValue(3);
    }

    @Test
    void aListingThatDisagreesWithItsCountIsNotKept() {
        cache.children("/a", 5, 5, 0, lister("x")); // a stat read without its meta, racing a write
        assertThat(cache.children("/a", 5, 5, 0, lister())).isEmpty();
        assertThat(listed).hasValue(2);
    }

    @Test
    void listingsHandedOutCannotBeChanged() {
        List<String> names = cache.children("/a", 5, 9, 1, lister("x"));
        assertThatThrownBy(() -> names.add("y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theCacheStaysWithinItsNameBudget() {
        String[] many = new String[ChildListCache.NAMES_PER_LISTING_MAX];
        java.util.Arrays.fill(many, "n");
        long parents = ChildListCache.NAMES_CACHED_MAX / many.length + 1;
        for (int p = 0; p < parents; p++) {
            cache.children("/p" + p, 1, 2, many.length, lister(many));
        }
        assertThat(cache.children("/p0", 1, 2, many.length, lister(many))).hasSize(many.length);
        assertThat(listed.get()).as("the first parent was dropped when the budget ran out").isEqualTo(parents + 1);
    }
}
