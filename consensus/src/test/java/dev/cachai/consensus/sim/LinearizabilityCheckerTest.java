package dev.cachai.consensus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachai.consensus.sim.LinearizabilityChecker.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    private static final long UNKNOWN = Long.MAX_VALUE;

    @Test
    void concurrentWriteMayBeSeenOrNot() {
        List<Op> history = List.of(
                new Op(0, 10, true, "a"),
                new Op(1, 3, false, null),
                new Op(4, 6, false, "a"));
        assertThat(LinearizabilityChecker.isLinearizable(history)).isTrue();
    }

    @Test
    void staleReadAfterACompletedWriteIsRejected() {
        List<Op> history = List.of(
                new Op(0, 2, true, "a"),
                new Op(3, 4, true, "b"),
                new Op(5, 6, false, "a"));
        assertThat(LinearizabilityChecker.isLinearizable(history)).isFalse();
    }

    @Test
    void readsMustNotGoBackInTime() {
        List<Op> history = List.of(
                new Op(0, 100, true, "a"),
                new Op(1, 2, false, "a"),
                new Op(3, 4, false, null));
        assertThat(LinearizabilityChecker.isLinearizable(history)).isFalse();
    }

    @Test
    void writeWithUnknownOutcomeMayHaveHappenedLate() {
        List<Op> history = List.of(
                new Op(0, UNKNOWN, true, "a"),
                new Op(5, 6, false, null),
                new Op(7, 8, false, "a"));
        assertThat(LinearizabilityChecker.isLinearizable(history)).isTrue();
        List<Op> readBeforeInvoke = List.of(
                new Op(5, UNKNOWN, true, "a"),
                new Op(1, 2, false, "a"));
        assertThat(LinearizabilityChecker.isLinearizable(readBeforeInvoke)).isFalse();
    }
}
