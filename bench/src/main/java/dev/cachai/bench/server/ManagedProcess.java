package dev.cachai.bench.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child server process whose output goes to a log file, with readiness by port polling. */
public final class ManagedProcess implements AutoCloseable {
    private static final long POLL_INTERVAL_MS = 100;
    private static final int CONNECT_TIMEOUT_MS = 200;
    private static final long STOP_SECONDS_MAX = 15;

    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ManagedProcess start(String name, List<String> command, Path workDir) throws IOException {
        Path log = workDir.resolve(name + ".log");
        Process p = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ManagedProcess(name, p, log);
    }

    /** Polls (bounded) until {@code hostPort} accepts a TCP connection; fails fast if the process died. */
    void awaitPort(String hostPort, Duration timeout) throws IOException, InterruptedException {
        String[] parts = hostPort.split(":");
        InetSocketAddress address = new InetSocketAddress(parts[0], Integer.parseInt(parts[1]));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (accepts(address)) {
                return;
            }
            Thread.sleep(POLL_INTERVAL_MS);
        }
        throw new IOException(name + " did not accept on " + hostPort + " within " + timeout + "; see " + log);
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** SIGKILL, as a crash: no shutdown hook, no handover. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(STOP_SECONDS_MAX, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_SECONDS_MAX, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_SECONDS_MAX, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
