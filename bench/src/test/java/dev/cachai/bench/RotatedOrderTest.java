package dev.cachai.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RotatedOrderTest {
    @Test
    void eachRepeatStartsWithTheNextTarget() {
        assertThat(BenchSession.rotatedOrder(3, 0)).containsExactly(0, 1, 2);
        assertThat(BenchSession.rotatedOrder(3, 1)).containsExactly(1, 2, 0);
        assertThat(BenchSession.rotatedOrder(3, 2)).containsExactly(2, 0, 1);
        assertThat(BenchSession.rotatedOrder(2, 3)).containsExactly(1, 0);
        assertThat(BenchSession.rotatedOrder(1, 5)).containsExactly(0);
    }
}
