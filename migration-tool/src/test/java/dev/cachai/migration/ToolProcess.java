package dev.cachai.migration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the command in a JVM of its own, as an operator would, so a benchmark measures its start-up, its JIT and its
 * garbage collection apart from the servers'. The JVM flags are the ones the README recommends for the tool.
 */
record ToolProcess(int exitCode, String output, double seconds, String loadBefore) {
    /** C1 only: a copy of ~100,000 keys is over before C2's compilations pay for themselves. */
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static ToolProcess run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        ToolProcess result = new ToolProcess(code, output, (System.nanoTime() - started) / 1e9, load);
        System.out.println("$ cachai-migrate " + String.join(" ", args) + "\n" + output + "exit " + code);
        return result;
    }

    /** The rate line of a run, e.g. "RATE copy: 100000 keys, 7.1 s in the process (14084 keys/s); load before 3.1 2.5 2.0 ...". */
    String rate(String what, int keys) {
        return String.format("RATE %s: %d keys, %.1f s in the process (%.0f keys/s); load before %s", what, keys,
                seconds, keys / seconds, loadBefore);
    }
}
