package dev.cachai.consensus.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden-trace scenarios in {@code src/test/resources/scenarios}: blocks of
 * {@code command / ---- / expected output} separated by blank lines, lines starting with '#'
 * are comments. Run with {@code -Dcachai.scenarios.rewrite=true} to regenerate the expected
 * output after an intended behaviour change, then review the diff.
 */
class ScenarioTest {

    private static final Path SCENARIOS = Path.of("src", "test", "resources", "scenarios");
    private static final String SEPARATOR = "----";

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(SCENARIOS)) {
            files = listing.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
    }

    private static void check(Path file) throws IOException {
        String original = Files.readString(file);
        String replayed = replay(original);
        if (Boolean.getBoolean("cachai.scenarios.rewrite")) {
            Files.writeString(file, replayed);
            return;
        }
        assertThat(replayed).as("trace of " + file).isEqualTo(original);
    }

    /** Re-executes every command and rebuilds the file text with the actual output. */
    static String replay(String script) {
        ScenarioEnv env = new ScenarioEnv();
        StringBuilder result = new StringBuilder();
        List<String> lines = List.of(script.split("\n", -1));
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                result.append(line).append('\n');
                i++;
                continue;
            }
            List<String> commands = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).equals(SEPARATOR) && !lines.get(i).isBlank()) {
                commands.add(lines.get(i++));
            }
            if (i < lines.size() && lines.get(i).equals(SEPARATOR)) {
                i++;
                while (i < lines.size() && !lines.get(i).isBlank()) {
                    i++;
                }
            }
            List<String> output = new ArrayList<>();
            for (String command : commands) {
                output.add(env.run(command));
            }
            result.append(String.join("\n", commands)).append('\n').append(SEPARATOR).append('\n')
                    .append(String.join("\n", output)).append('\n');
        }
        String text = result.toString();
        return text.endsWith("\n\n") ? text.substring(0, text.length() - 1) : text;
    }
}
