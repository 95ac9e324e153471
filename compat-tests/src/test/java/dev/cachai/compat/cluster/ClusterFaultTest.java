package dev.cachai.compat.cluster;

import dev.cachai.consensus.linearizability.Register;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults on a three-member cluster of real processes while etcd and ZooKeeper clients on every
 * member read, write and compare-and-set a few shared keys: a frozen leader (SIGSTOP longer than
 * an election, then SIGCONT), a frozen follower, every member killed and restarted, and the leader
 * cut off from the others by a network partition. Each run's history must be linearizable and
 * keep every acknowledged write (see {@link RegisterWorkload}).
 */
class ClusterFaultTest {
    /** Answers clients must get in each phase: before the fault, during it, after it ends. */
    private static final int ANSWERS_PER_PHASE = 150;
    /** The target for a new leader after a partition is 2 s; the bound leaves room for CI. */
    private static final long NEW_LEADER_MS_MAX = 10_000;

    @Test
    void aLeaderFrozenLongerThanAnElectionStepsDownWhenItThaws(@TempDir Path tmp) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(tmp, 3).startAll()) {
            int leader = cluster.awaitAgreedLeader();
            try (RegisterWorkload workload = RegisterWorkload.start(cluster)) {
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                long frozenAt = System.nanoTime();
                cluster.pause(leader);
                int successor = cluster.awaitAgreedLeaderAmong(others(leader));
                reportNewLeader("leader m" + leader + " frozen (SIGSTOP)", successor, frozenAt);
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                cluster.resume(leader);
                int agreed = cluster.awaitAgreedLeader();
                System.out.printf("FAULT: m%d thawed and follows m%d%n", leader, agreed);
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                workload.stopAndCheck();
            }
        }
    }

    @Test
    void aFrozenFollowerCatchesUpWhenItThaws(@TempDir Path tmp) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(tmp, 3).startAll()) {
            int follower = (cluster.awaitAgreedLeader() + 1) % 3;
            try (RegisterWorkload workload = RegisterWorkload.start(cluster)) {
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                cluster.pause(follower);
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                cluster.resume(follower);
                cluster.awaitAgreedLeader();
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                workload.stopAndCheck();
            }
        }
    }

    @Test
    void everyMemberKilledAndRestartedKeepsItsData(@TempDir Path tmp) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(tmp, 3).startAll()) {
            cluster.awaitAgreedLeader();
            try (RegisterWorkload workload = RegisterWorkload.start(cluster)) {
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                for (int i = 0; i < 3; i++) {
                    cluster.kill(i);
                }
                for (int i = 0; i < 3; i++) {
                    cluster.launch(i);
                }
                for (int i = 0; i < 3; i++) {
                    cluster.awaitServing(i);
                }
                long upAt = System.nanoTime();
                int leader = cluster.awaitAgreedLeader();
                reportNewLeader("all members killed (SIGKILL) and restarted", leader, upAt);
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                workload.stopAndCheck();
            }
        }
    }

    @Test
    void aPartitionedLeaderLosesNoAcknowledgedWriteAndTheMajorityElectsAnother(@TempDir Path tmp)
            throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(tmp, 3, true).startAll()) {
            int leader = cluster.awaitAgreedLeader();
            try (RegisterWorkload workload = RegisterWorkload.start(cluster)) {
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                long cutAtMicros = workload.history.nowMicros();
                long cutAt = System.nanoTime();
                cluster.isolate(leader);
                int successor = cluster.awaitAgreedLeaderAmong(others(leader));
                reportNewLeader("leader m" + leader + " cut off from the others", successor, cutAt);
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                long healAtMicros = workload.history.nowMicros();
                cluster.heal();
                int agreed = cluster.awaitAgreedLeader();
                System.out.printf("FAULT: partition healed; m%d follows m%d%n", leader, agreed);
                workload.awaitMoreAnswers(ANSWERS_PER_PHASE);
                workload.stopAndCheck();
                List<History.Recorded> minorityAcks = workload.history.recorded().stream()
                        .filter(r -> r.member() == leader && r.timed().outcomeKnown()
                                && r.timed().invokedAt() > cutAtMicros && r.timed().answeredAt() < healAtMicros
                                && r.timed().op().kind() != Register.Kind.READ)
                        .toList();
                assertThat(minorityAcks).as("writes the cut-off member acknowledged without a quorum").isEmpty();
            }
        }
    }

    private static List<Integer> others(int member) {
        return IntStream.range(0, 3).filter(i -> i != member).boxed().toList();
    }

    private static void reportNewLeader(String fault, int leader, long sinceNanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
        System.out.printf("FAULT: %s; m%d leads %d ms later%n", fault, leader, ms);
        assertThat(ms).isLessThan(NEW_LEADER_MS_MAX);
    }
}
