package dev.cachai.server.metrics;

import dev.cachai.metrics.MetricRegistry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The process_* metrics Prometheus clients export, from the JVM and, where the host has it, from
 * /proc (Linux). A value the host cannot give is left out rather than reported as a guess.
 */
public final class ProcessMetrics {
    private static final Path PROC_SELF = Path.of("/proc/self");
    private static final long BYTES_PER_KIB = 1024;
    private static final double MS_PER_SECOND = 1e3;
    private static final double NANOS_PER_SECOND = 1e9;

    private ProcessMetrics() {}

    public static void register(MetricRegistry registry) {
        registry.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                () -> ManagementFactory.getRuntimeMXBean().getStartTime() / MS_PER_SECOND);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            registry.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    () -> os.getProcessCpuTime() / NANOS_PER_SECOND);
        }
        if (!Files.isDirectory(PROC_SELF.resolve("fd"))) {
            return;
        }
        registry.gauge("process_open_fds", "Number of open file descriptors.", ProcessMetrics::openFds);
        statusKib("VmRSS").ifPresent(v -> registry.gauge("process_resident_memory_bytes",
                "Resident memory size in bytes.", () -> statusKib("VmRSS").orElse(0) * BYTES_PER_KIB));
        statusKib("VmSize").ifPresent(v -> registry.gauge("process_virtual_memory_bytes",
                "Virtual memory size in bytes.", () -> statusKib("VmSize").orElse(0) * BYTES_PER_KIB));
        maxOpenFiles().ifPresent(max -> registry.gauge("process_max_fds", "Maximum number of open file descriptors.",
                () -> max));
    }

    static long openFds() {
        try (Stream<Path> fds = Files.list(PROC_SELF.resolve("fd"))) {
            return fds.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** A "Name:   123 kB" line of /proc/self/status. */
    static OptionalLong statusKib(String name) {
        for (String line : lines(PROC_SELF.resolve("status"))) {
            if (line.startsWith(name + ":")) {
                String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]));
            }
        }
        return OptionalLong.empty();
    }

    /** The soft limit on the "Max open files" line of /proc/self/limits. */
    static OptionalLong maxOpenFiles() {
        for (String line : lines(PROC_SELF.resolve("limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(soft));
            }
        }
        return OptionalLong.empty();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
