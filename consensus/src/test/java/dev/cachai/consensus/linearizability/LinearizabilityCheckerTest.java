package dev.cachai.consensus.linearizability;

import static dev.cachai.consensus.linearizability.Register.cas;
import static dev.cachai.consensus.linearizability.Register.casFailed;
import static dev.cachai.consensus.linearizability.Register.read;
import static dev.cachai.consensus.linearizability.Register.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    private static final long UNKNOWN = Timed.UNKNOWN;

    private static Timed<Register.Op> at(long invoked, long answered, Register.Op op) {
        return new Timed<>(invoked, answered, op);
    }

    private static boolean linearizable(List<Timed<Register.Op>> history) {
        return LinearizabilityChecker.isLinearizable(Register.MODEL, history);
    }

    @Test
    void concurrentWriteMayBeSeenOrNot() {
        assertThat(linearizable(List.of(at(0, 10, write("a")), at(1, 3, read(null)), at(4, 6, read("a"))))).isTrue();
    }

    @Test
    void staleReadAfterACompletedWriteIsRejected() {
        assertThat(linearizable(List.of(at(0, 2, write("a")), at(3, 4, write("b")), at(5, 6, read("a")))))
                .isFalse();
    }

    @Test
    void readsMustNotGoBackInTime() {
        assertThat(linearizable(List.of(at(0, 100, write("a")), at(1, 2, read("a")), at(3, 4, read(null)))))
                .isFalse();
    }

    @Test
    void writeWithUnknownOutcomeMayHaveHappenedLateButNotBeforeItsInvocation() {
        assertThat(linearizable(List.of(at(0, UNKNOWN, write("a")), at(5, 6, read(null)), at(7, 8, read("a")))))
                .isTrue();
        assertThat(linearizable(List.of(at(5, UNKNOWN, write("a")), at(1, 2, read("a"))))).isFalse();
    }

    @Test
    void compareAndSetSucceedsOnlyOnTheExpectedValue() {
        assertThat(linearizable(List.of(at(0, 1, write("a")), at(2, 3, cas("a", "b")), at(4, 5, read("b")))))
                .isTrue();
        assertThat(linearizable(List.of(at(0, 1, write("a")), at(2, 3, write("c")), at(4, 5, cas("a", "b")))))
                .as("a CAS on an overwritten value must fail").isFalse();
        assertThat(linearizable(List.of(at(0, 1, write("a")), at(2, 3, casFailed("a")))))
                .as("a CAS may not fail while the register holds its expected value").isFalse();
    }

    @Test
    void twoCompareAndSetsOnOneValueCannotBothWin() {
        List<Timed<Register.Op>> history = List.of(at(0, 1, write("a")), at(2, 10, cas("a", "b")),
                at(3, 9, cas("a", "c")));
        assertThat(linearizable(history)).isFalse();
    }

    @Test
    void aViolationNamesTheOperationsThatCannotComeNext() {
        var verdict = LinearizabilityChecker.check(Register.MODEL,
                List.of(at(0, 2, write("a")), at(3, 4, write("b")), at(5, 6, read("a"))));
        assertThat(verdict.linearizable()).isFalse();
        assertThat(verdict.stateAtDeepest()).isEqualTo("b");
        assertThat(verdict.stuck()).extracting(Timed::op).containsExactly(read("a"));
        assertThat(verdict.describe()).contains("READ a");
    }

    @Test
    void aHistoryTooOpenToDecideIsRefusedNotPassed() {
        List<Timed<Register.Op>> history = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            history.add(at(i, UNKNOWN, write("v" + i)));
        }
        history.add(at(100, 101, read("never written")));
        assertThatThrownBy(() -> LinearizabilityChecker.check(Register.MODEL, history, 10_000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gave up");
    }

    @Test
    void longSequentialHistoryNeedsNoDeepStack() {
        List<Timed<Register.Op>> history = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            history.add(at(4L * i, 4L * i + 1, write("v" + i)));
            history.add(at(4L * i + 2, 4L * i + 3, read("v" + i)));
        }
        assertThat(linearizable(history)).isTrue();
    }
}
