package dev.cachai.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgsTest {
    private static Args args(String... argv) {
        return new Args(argv, 0);
    }

    @Test
    void optionsAndDefaults() {
        Args a = args("--repeat", "3", "--clients", "1, 16", "--duration", "5s");
        assertThat(a.integer("repeat", 1)).isEqualTo(3);
        assertThat(a.integer("conns", 8)).isEqualTo(8);
        assertThat(a.loadSettings().clientsLevels()).containsExactly(1, 16);
        assertThat(a.duration("duration", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(a.list("workloads", List.of("x"))).containsExactly("x");
    }

    @Test
    void aBadNumberNamesItsOption() {
        assertThatThrownBy(() -> args("--repeat", "three").integer("repeat", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--repeat needs a number, got \"three\"");
        assertThatThrownBy(() -> args("--clients", "1,x").loadSettings())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--clients needs a number, got \"x\"");
        assertThatThrownBy(() -> args("--repeat")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected --name value, got --repeat");
    }
}
