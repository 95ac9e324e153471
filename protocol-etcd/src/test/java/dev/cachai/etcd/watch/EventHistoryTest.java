package dev.cachai.etcd.watch;

import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.kv.KeyValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventHistoryTest {
    private static Change change(long revision, int eventCount) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < eventCount; i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            events.add(new Event(Event.Type.PUT, KeyValue.of(key, new byte[0], revision, revision, 1, 0), null));
        }
        return new Change(revision, 0, events);
    }

    private static List<Long> revisions(List<Change> changes) {
        return changes.stream().map(Change::revision).toList();
    }

    private static EventHistory retaining(int eventsMax, long base) {
        EventHistory h = new EventHistory(eventsMax, base);
        h.retain(true);
        return h;
    }

    @Test
    void readsFromAnyRevisionInOrderAcrossGapsAndRingGrowth() {
        EventHistory h = retaining(1_000_000, 1);
        List<Long> appended = new ArrayList<>();
        for (long rev = 2; rev < 5_000; rev += rev % 3 == 0 ? 2 : 1) { // some revisions carry no change
            h.append(change(rev, 1));
            appended.add(rev);
        }
        assertThat(h.size()).isEqualTo(appended.size());
        assertThat(revisions(h.from(0, Integer.MAX_VALUE))).isEqualTo(appended);
        int i = appended.indexOf(3_000L);
        assertThat(revisions(h.from(3_000, 5))).isEqualTo(appended.subList(i, i + 5));
        // Revision 4 carries no change (3 is followed by 5): reading from it starts at the next one held.
        assertThat(appended).contains(3L, 5L).doesNotContain(4L);
        assertThat(h.from(4, 1).get(0).revision()).isEqualTo(5);
        assertThat(h.from(h.lastRevision() + 1, 10)).isEmpty();
        assertThat(h.baseRevision()).isEqualTo(1);
    }

    @Test
    void trimsTheOldestChangesBeyondTheEventBudgetAndRaisesTheBase() {
        EventHistory h = retaining(10, 1);
        for (long rev = 2; rev <= 2_001; rev++) { // wraps the ring many times
            h.append(change(rev, rev % 2 == 0 ? 1 : 3));
        }
        List<Change> held = h.from(0, Integer.MAX_VALUE);
        assertThat(held.stream().mapToInt(c -> c.events().size()).sum()).isLessThanOrEqualTo(10);
        assertThat(held.get(held.size() - 1).revision()).isEqualTo(2_001);
        assertThat(h.baseRevision()).isEqualTo(held.get(0).revision() - 1);
        assertThat(revisions(held)).isSorted().doesNotHaveDuplicates();
        assertThat(held.get(0).revision() + held.size() - 1).isEqualTo(2_001); // contiguous above the base
    }

    @Test
    void keepsTheNewestChangeEvenWhenItAloneExceedsTheBudget() {
        EventHistory h = retaining(2, 1);
        h.append(change(2, 1));
        h.append(change(3, 5));
        assertThat(revisions(h.from(0, 10))).containsExactly(3L);
        assertThat(h.baseRevision()).isEqualTo(2);
    }

    @Test
    void ignoresRevisionsAlreadyAppended() {
        EventHistory h = retaining(100, 1);
        h.append(change(5, 1));
        h.append(change(5, 1));
        h.append(change(4, 1));
        assertThat(revisions(h.from(0, 10))).containsExactly(5L);
        assertThat(h.lastRevision()).isEqualTo(5);
    }

    @Test
    void holdsNothingWhileNotRetainingAndItsBaseFollowsTheLastRevision() {
        EventHistory h = new EventHistory(100, 1);
        h.append(change(2, 1));
        h.append(change(3, 1));
        assertThat(h.size()).isZero();
        assertThat(h.baseRevision()).isEqualTo(3);
        assertThat(h.lastRevision()).isEqualTo(3);

        h.retain(true);
        h.append(change(4, 1));
        assertThat(revisions(h.from(0, 10))).containsExactly(4L);
        assertThat(h.baseRevision()).isEqualTo(3);

        h.retain(false);
        h.append(change(5, 1));
        assertThat(h.size()).isZero();
        assertThat(h.from(0, 10)).isEmpty();
        assertThat(h.baseRevision()).isEqualTo(5);
        assertThat(h.lastRevision()).isEqualTo(5);
    }
}
