package dev.cachai.bench.server;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

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
        long transferee = status(hostPorts.get(to)).getHeader().getMemberId();
        try (Client client = Client.builder().endpoints("http://" + hostPorts.get(from)).build()) {
            client.getMaintenanceClient().moveLeader(transferee).get(MOVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        awaitEveryMember(hostPorts, leader -> leader == transferee, MOVE_TIMEOUT,
                "leadership did not reach " + hostPorts.get(to));
    }

    /** Waits until every member reports a leader, so a run never starts inside an election. */
    static void awaitLeader(List<String> hostPorts, Duration timeout) throws Exception {
        awaitEveryMember(hostPorts, leader -> leader != 0, timeout, "no leader at " + hostPorts);
    }

    /** Polls every member's Status until the leader each reports passes {@code seen}. */
    private static void awaitEveryMember(List<String> hostPorts, LongPredicate seen, Duration timeout, String failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!everyMemberSees(hostPorts, seen)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure + " within " + timeout);
            }
            Thread.sleep(POLL_MS);
        }
    }

    private static boolean everyMemberSees(List<String> hostPorts, LongPredicate seen) {
        try {
            for (String hp : hostPorts) {
                if (!seen.test(leaderSeenBy(hp))) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
