package dev.cachai.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes results as JSON (hand-rolled: the shapes are flat and a JSON library is not worth a dependency). */
public final class ResultJson {
    private static final DateTimeFormatter FILE_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss");

    private ResultJson() {}

    /** Writes {@code dir/<date>-<label>.json} and returns its path. */
    public static Path write(Path dir, String label, Map<String, String> environment, List<RunResult> results)
            throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(LocalDateTime.now().format(FILE_NAME) + "-" + label + ".json");
        Files.writeString(file, render(environment, results));
        return file;
    }

    static String render(Map<String, String> environment, List<RunResult> results) {
        StringBuilder out = new StringBuilder("{\n  \"environment\": {");
        String sep = "\n";
        for (Map.Entry<String, String> e : environment.entrySet()) {
            out.append(sep).append("    ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            sep = ",\n";
        }
        out.append("\n  },\n  \"results\": [");
        sep = "\n";
        for (RunResult r : results) {
            out.append(sep).append("    ").append(render(r));
            sep = ",\n";
        }
        return out.append("\n  ]\n}\n").toString();
    }

    private static String render(RunResult r) {
        return String.format(Locale.ROOT,
                "{\"target\": %s, \"workload\": %s, \"clients\": %d, \"ops\": %d, \"errors\": %d, "
                        + "\"seconds\": %.3f, \"opsPerSecond\": %.1f, \"p50Micros\": %.1f, \"p99Micros\": %.1f, "
                        + "\"p999Micros\": %.1f, \"maxMicros\": %.1f, \"note\": %s}",
                quote(r.target()), quote(r.workload()), r.clients(), r.ops(), r.errors(), r.seconds(),
                r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.p999Micros(), r.maxMicros(), quote(r.note()));
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
