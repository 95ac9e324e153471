package dev.cachai.server.driver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** etcd's revision auto-compaction on a fake clock: every check period, current minus the retained count. */
class RevisionCompactorTest {
    private static final long CHECK_MS = 300_000;

    @Test
    void looksOncePerPeriodAndKeepsTheNewestRevisions() {
        long start = 1_000;
        RevisionCompactor c = new RevisionCompactor(10, CHECK_MS, start);
        assertThat(c.poll(start + CHECK_MS - 1, 500)).as("etcd waits a whole period first").isEqualTo(AutoCompactor.NONE);
        assertThat(c.poll(start + CHECK_MS, 500)).isEqualTo(490);
        c.compacted();
        assertThat(c.poll(start + CHECK_MS + 1, 900)).as("not due again yet").isEqualTo(AutoCompactor.NONE);
        assertThat(c.poll(start + 2 * CHECK_MS, 900)).isEqualTo(890);
    }

    @Test
    void skipsAStoreNoLongerThanTheRetentionAndTheRevisionItLastCompactedTo() {
        long start = 0;
        RevisionCompactor c = new RevisionCompactor(10, CHECK_MS, start);
        assertThat(c.poll(CHECK_MS, 10)).as("current - retention <= 0").isEqualTo(AutoCompactor.NONE);
        assertThat(c.poll(2 * CHECK_MS, 11)).isEqualTo(1);
        c.compacted();
        assertThat(c.poll(3 * CHECK_MS, 11)).as("no writes since: etcd does not ask again").isEqualTo(AutoCompactor.NONE);
        assertThat(c.poll(4 * CHECK_MS, 12)).isEqualTo(2);
    }

    @Test
    void aFailedCompactionIsAskedForAgainAtTheNextCheck() {
        RevisionCompactor c = new RevisionCompactor(100, CHECK_MS, 0);
        assertThat(c.poll(CHECK_MS, 1_000)).isEqualTo(900);
        assertThat(c.poll(2 * CHECK_MS, 1_000)).as("never compacted: asked again").isEqualTo(900);
    }

    @Test
    void aLateLookDoesNotShiftTheScheduleNorCatchUpInABurst() {
        RevisionCompactor c = new RevisionCompactor(1, CHECK_MS, 0);
        assertThat(c.poll(CHECK_MS + 200, 5)).isEqualTo(4);
        c.compacted();
        assertThat(c.poll(2 * CHECK_MS, 6)).as("due at 2 periods, not at 2 periods + 200 ms").isEqualTo(5);
        c.compacted();
        assertThat(c.poll(10 * CHECK_MS + 5, 9)).isEqualTo(8);
        c.compacted();
        assertThat(c.poll(10 * CHECK_MS + 6, 10)).as("one step after a long gap, not eight").isEqualTo(AutoCompactor.NONE);
        assertThat(c.poll(11 * CHECK_MS + 5, 10)).isEqualTo(9);
    }
}
