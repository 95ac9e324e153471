package dev.cachai.bench.failover;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.server.ClusterLauncher;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * kill -9 of the leader under a Put load over the etcd API; the figure is the longest gap
 * between two acknowledged writes (any writer), which spans detection, election and reconnect.
 */
public final class FailoverProbe {
    private static final int WRITERS = 8;
    private static final long PUT_TIMEOUT_MS = 1_000;
    /** After a failed put: long enough not to spin, short enough not to hide the recovery time. */
    private static final long RETRY_PAUSE_MS = 5;
    private static final double NANOS_PER_MS = 1e6;

    /** @param longestGapMs the longest time without an acknowledged write; killedMember -1 if none found */
    public record Outcome(String target, int killedMember, double longestGapMs, double firstAckAfterKillMs,
                          long acks, long failures) {
        @Override
        public String toString() {
            return String.format("%-10s killed member %d (leader): longest gap without acked writes %.0f ms, "
                            + "first ack after kill %.0f ms, %d acks, %d failed puts", target, killedMember,
                    longestGapMs, firstAckAfterKillMs, acks, failures);
        }
    }

    private final ConcurrentLinkedQueue<Long> ackNanos = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    public static Outcome run(ClusterLauncher launcher, Endpoints endpoints, Duration before, Duration after)
            throws Exception {
        return new FailoverProbe().measure(launcher, endpoints, before, after);
    }

    private Outcome measure(ClusterLauncher launcher, Endpoints endpoints, Duration before, Duration after)
            throws Exception {
        List<Thread> writers = new ArrayList<>();
        try (Client client = Client.builder().endpoints(endpoints.etcdUrls()).build()) {
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Thread t = new Thread(() -> write(client, id), "failover-writer-" + w);
                t.start();
                writers.add(t);
            }
            Thread.sleep(before.toMillis());
            int leader = launcher.leaderIndex();
            long killNanos = System.nanoTime();
            if (leader >= 0) {
                launcher.kill(leader);
            }
            Thread.sleep(after.toMillis());
            running = false;
            for (Thread t : writers) {
                t.join(PUT_TIMEOUT_MS * 2);
            }
            return summarize(launcher.name(), leader, killNanos);
        }
    }

    private void write(Client client, int id) {
        ByteSequence key = ByteSequence.from("failover/" + id, StandardCharsets.UTF_8);
        ByteSequence value = ByteSequence.from(new byte[256]);
        while (running) {
            try {
                client.getKVClient().put(key, value).get(PUT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                ackNanos.add(System.nanoTime());
            } catch (Exception e) {
                failures.add(System.nanoTime());
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Outcome summarize(String target, int leader, long killNanos) {
        List<Long> acks = new ArrayList<>(ackNanos);
        acks.sort(Long::compare);
        long longest = 0;
        for (int i = 1; i < acks.size(); i++) {
            longest = Math.max(longest, acks.get(i) - acks.get(i - 1));
        }
        long firstAfter = acks.stream().filter(t -> t > killNanos).findFirst().map(t -> t - killNanos).orElse(-1L);
        return new Outcome(target, leader, longest / NANOS_PER_MS, firstAfter / NANOS_PER_MS, acks.size(),
                failures.size());
    }
}
