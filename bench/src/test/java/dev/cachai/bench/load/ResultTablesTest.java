package dev.cachai.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultTablesTest {
    private static RunResult run(String target, int clients, double opsPerSecond) {
        return new RunResult(target, "etcd-watch", clients, 100, 0, 1, opsPerSecond, 500, 900, 1000, 2000, "");
    }

    /** --clients 16,16 on two targets: each repetition's pair gets its own ratio. */
    @Test
    void repeatedLevelsArePairedRepetitionByRepetition() {
        List<RunResult> results = List.of(run("cachai", 16, 300), run("baseline", 16, 100),
                run("cachai", 16, 200), run("baseline", 16, 400), run("cachai", 1, 50), run("baseline", 1, 100));
        List<String> rows = ResultTables.comparison(results, "cachai").lines().skip(2).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).contains("| 100 | 300 | 3.00× |");
        assertThat(rows.get(1)).contains("| 400 | 200 | 0.50× |");
        assertThat(rows.get(2)).contains("| 100 | 50.0 | 0.50× |");
    }

    @Test
    void aReferenceRunWithoutItsCandidatePairShowsDashes() {
        List<RunResult> results = List.of(run("cachai", 16, 300), run("baseline", 16, 100), run("baseline", 16, 400));
        List<String> rows = ResultTables.comparison(results, "cachai").lines().skip(2).toList();
        assertThat(rows.get(1)).contains("| 400 | — | — |");
    }
}
