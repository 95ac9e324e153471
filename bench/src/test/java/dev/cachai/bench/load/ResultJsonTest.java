package dev.cachai.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON written under bench/results is read by other tools: keep it well-formed. */
class ResultJsonTest {
    @Test
    void escapesNotesAndRendersEveryField() {
        RunResult r = RunResult.skipped("etcd", "etcd-put", 16, "failed: \"quoted\"\nline");
        String json = ResultJson.render(Map.of("cores", "2"), List.of(r));
        assertThat(json).contains("\"note\": \"failed: \\\"quoted\\\"\\u000aline\"");
        assertThat(json).contains("\"clients\": 16").contains("\"cores\": \"2\"");
    }
}
