package dev.cachai.consensus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvariantsTest {
    @Test
    void aFailedSlotCheckNamesTheSlotsAndAPassingOneThrowsNothing() {
        assertThatCode(() -> Invariants.check(true, "committed slot %d missing from the log", 7))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Invariants.check(false, "committed slot %d missing from the log", 7))
                .isInstanceOf(ConsensusInvariantError.class).hasMessage("committed slot 7 missing from the log");
        assertThatThrownBy(() -> Invariants.check(false, "compacting slot %d beyond applied %d", 9, 4))
                .isInstanceOf(ConsensusInvariantError.class).hasMessage("compacting slot 9 beyond applied 4");
    }
}
