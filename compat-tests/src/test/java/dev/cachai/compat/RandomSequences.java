package dev.cachai.compat;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the seeded random differential suites share: their seeds and how two transcripts compare. */
public final class RandomSequences {
    /** Lines of the reference transcript shown before the first line that differs. */
    private static final int CONTEXT_LINES = 8;

    private RandomSequences() {}

    /** Seeds 1..5 in CI; {@code -Dcachai.random.seeds=N} runs seeds 1..N (a longer search for differences). */
    public static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("cachai.random.seeds", 5));
    }

    /** Fails at the first line that differs, showing the reference's lines before it. */
    public static void assertSameTranscript(List<String> expected, List<String> actual, long seed) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("line %d of seed %d, after:%n%s", i, seed,
                    String.join("\n", expected.subList(Math.max(0, i - CONTEXT_LINES), i))).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
    }
}
