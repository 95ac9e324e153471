package dev.cachai.compat.etcd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Debian's etcdctl (3.4, API v3) as a subprocess against one endpoint. */
final class Etcdctl {
    static final Path BINARY = Path.of("/usr/bin/etcdctl");
    /** etcdctl's own deadline per command; the process gets a little longer. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);

    private final String endpoint;

    Etcdctl(String endpoint) {
        assertThat(Files.isExecutable(BINARY)).as("etcdctl installed (Debian etcd-client)").isTrue();
        this.endpoint = endpoint;
    }

    /** Runs one command to completion and returns its trimmed stdout+stderr. */
    String run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    String runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        Process p = builder(args).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("etcdctl exited").isTrue();
        return withoutLogLines(out).trim();
    }

    /** etcdctl's client library logs retries as JSON lines, with timestamps and random ids. */
    private static String withoutLogLines(String out) {
        return String.join("\n", out.lines().filter(l -> !l.startsWith("{\"level\":")).toList());
    }

    /**
     * Starts a command that does not end by itself (watch, elect), collects its first
     * {@code lines} output lines, then stops it.
     */
    List<String> firstLines(int lines, String... args) throws IOException, InterruptedException {
        Process p = builder(args).start();
        List<String> out = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(PROCESS_TIMEOUT).until(() -> out.size() >= lines || !p.isAlive());
        } finally {
            p.destroy();
            p.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            reader.join(PROCESS_TIMEOUT.toMillis());
        }
        return new ArrayList<>(out.subList(0, Math.min(lines, out.size())));
    }

    /** Starts a command that runs until stopped (make-mirror), its output discarded. */
    Process start(String... args) throws IOException {
        return builder(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--endpoints=" + endpoint,
                "--command-timeout=" + COMMAND_TIMEOUT.toSeconds() + "s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        return pb;
    }
}
