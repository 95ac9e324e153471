package dev.cachai.compat;

import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs a non-Java client program with bounded time. A missing program fails the test (it must
 * be installed: Debian's python3-kazoo, zookeeper-bin, gcc, golang-go), it is never skipped.
 */
public final class NativeTool {
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    public static final Path CLI_MT = Path.of("/usr/lib/zookeeper/bin/cli_mt");
    public static final Path GCC = Path.of("/usr/bin/gcc");
    public static final Path GO = Path.of("/usr/bin/go");
    /** The C client's header, from Debian's libzookeeper-mt-dev (the library comes with it). */
    public static final Path ZOOKEEPER_H = Path.of("/usr/include/zookeeper/zookeeper.h");
    private static final int RUN_TIMEOUT_S = 30;
    private static final int POLL_MS = 20;

    private NativeTool() {}

    public record Outcome(int exitCode, String stdout, String stderr) {}

    public static void requireInstalled(Path program, String debianPackage) {
        assertThat(Files.isExecutable(program))
                .as(program + " missing: apt-get install -y " + debianPackage).isTrue();
    }

    /**
     * Starts {@code command}, writes {@code stdinText} and keeps stdin open until stdout or stderr contains
     * {@code doneMarker} (null: close at once), then sends {@code quitLine} and waits for the exit.
     */
    public static Outcome run(List<String> command, String stdinText, String doneMarker, String quitLine) throws Exception {
        return run(command, Map.of(), RUN_TIMEOUT_S, stdinText, doneMarker, quitLine);
    }

    /** As above, with {@code env} added to the inherited environment and the exit due within {@code timeoutS}. */
    public static Outcome run(List<String> command, Map<String, String> env, int timeoutS, String stdinText,
            String doneMarker, String quitLine) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process p = builder.start();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Thread outReader = drain(p.getInputStream(), out);
        Thread errReader = drain(p.getErrorStream(), err);
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(stdinText.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            if (doneMarker != null) {
                awaitOutput(p, out, err, doneMarker, timeoutS);
                stdin.write(quitLine.getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        } catch (IOException e) {
            // the tool exited early; its output says why
        }
        boolean exited = p.waitFor(timeoutS, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        outReader.join(TimeUnit.SECONDS.toMillis(timeoutS));
        errReader.join(TimeUnit.SECONDS.toMillis(timeoutS));
        assertThat(exited).as(command + " finished; stdout:\n" + out + "\nstderr:\n" + err).isTrue();
        return new Outcome(p.exitValue(), text(out), text(err));
    }

    /**
     * Bounded polling of the child's output (a process gives nothing to wait on). A timeout
     * falls through: the quit line still goes out and the exit assertion reports the output.
     */
    private static void awaitOutput(Process p, StringBuilder out, StringBuilder err, String marker, int timeoutS) {
        try {
            await().atMost(Duration.ofSeconds(timeoutS)).pollInterval(Duration.ofMillis(POLL_MS))
                    .until(() -> contains(out, marker) || contains(err, marker) || !p.isAlive());
        } catch (ConditionTimeoutException e) {
            // reported by the caller's assertions on the output
        }
    }

    private static boolean contains(StringBuilder sb, String s) {
        synchronized (sb) {
            return sb.indexOf(s) >= 0;
        }
    }

    private static String text(StringBuilder sb) {
        synchronized (sb) {
            return sb.toString();
        }
    }

    private static Thread drain(InputStream in, StringBuilder into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (into) {
                        into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        into.notifyAll();
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "tool-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
