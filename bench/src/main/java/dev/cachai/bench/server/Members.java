package dev.cachai.bench.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The processes of a cluster under test, started one by one and stopped together. */
final class Members implements AutoCloseable {
    private final List<ManagedProcess> processes = new ArrayList<>();

    void add(ManagedProcess process) {
        processes.add(process);
    }

    void awaitPorts(List<String> hostPorts, Duration timeout) throws Exception {
        for (int i = 0; i < hostPorts.size(); i++) {
            processes.get(i).awaitPort(hostPorts.get(i), timeout);
        }
    }

    void kill(int member) throws InterruptedException {
        processes.get(member).kill();
    }

    /** Free loopback ports, {@code count} of them. */
    static List<Integer> freePorts(int count) throws java.io.IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(ManagedProcess.freePort());
        }
        return ports;
    }

    @Override
    public void close() {
        processes.forEach(ManagedProcess::close);
        processes.clear();
    }
}
