package dev.cachai.bench.server;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Leadership as the etcd Maintenance.Status call reports it. */
final class EtcdStatus {
    private static final long CALL_TIMEOUT_MS = 2_000;
    private static final long POLL_MS = 100;
    /** For MoveLeader's call and for every member to follow the new leader after it. */
    private static final Duration MOVE_TIMEOUT = Duration.ofSeconds(10);

    private EtcdStatus() {}

    static StatusResponse status(String hostPort) throws Exception {
        String url = "http://" + hostPort;
        try (Client client = Client.builder().endpoints(url).build()) {
            return client.getMaintenanceClient().statusMember(url)
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    static long leaderSeenBy(String hostPort) throws Exception {
        return status(hostPort).getLeader();
    }

    /** The member whose own id is the leader it reports (etcd), or -1. */
    static int selfLeadingIndex(List<String> hostPorts) throws Exception {
        for (int i = 0; i < hostPorts.size(); i++) {
            StatusResponse s = status(hostPorts.get(i));
            if (s.getLeader() != 0 && s.getLeader() == s.getHeader().getMemberId()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * etcd's MoveLeader, asked of the member leading now (etcd refuses it anywhere else), then a
     * wait until every member reports the new leader.
     */
    static void moveLeader(List<String> hostPorts, int from, int to) throws Exception {
        Duration timeout = MOVE_TIMEOUT;
        long transferee = status(hostPorts.get(to)).getHeader().getMemberId();
        String url = "http://" + hostPorts.get(from);
        try (Client client = Client.builder().endpoints(url).build()) {
            client.getMaintenanceClient().moveLeader(transferee).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allFollow(hostPorts, transferee)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("leadership did not reach " + hostPorts.get(to) + " within " + timeout);
            }
            Thread.sleep(POLL_MS);
        }
    }

    private static boolean allFollow(List<String> hostPorts, long leader) {
        try {
            for (String hp : hostPorts) {
                if (leaderSeenBy(hp) != leader) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Waits until every member reports a leader, so a run never starts inside an election. */
    static void awaitLeader(List<String> hostPorts, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (allSeeALeader(hostPorts)) {
                return;
            }
            Thread.sleep(POLL_MS);
        }
        throw new IllegalStateException("no leader within " + timeout + " at " + hostPorts);
    }

    private static boolean allSeeALeader(List<String> hostPorts) {
        try {
            for (String hp : hostPorts) {
                if (leaderSeenBy(hp) == 0) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
