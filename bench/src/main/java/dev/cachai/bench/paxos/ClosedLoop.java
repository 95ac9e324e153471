package dev.cachai.bench.paxos;

import dev.cachai.consensus.wal.Wal;
import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.command.Put;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * N proposers, each with one Put in flight: the next is proposed from the completion of the
 * previous one (no thread per proposer, so 256 proposers do not crowd two cores).
 */
final class ClosedLoop {
    /** Keys overwritten in turn: enough to spread, few enough to keep the engine small. */
    private static final int KEYSPACE_KEYS = 1_000;
    /** A refused proposal (queue full) is retried after this pause instead of spinning. */
    private static final long RETRY_PAUSE_MS = 1;
    private static final long DRAIN_WAIT_MS_MAX = 10_000;

    /** What one measured window saw. */
    record Outcome(int proposers, long commits, long errors, double seconds, long fsyncs, Histogram latencyNanos) {
        double commitsPerSecond() {
            return commits / seconds;
        }

        double fsyncsPerCommit() {
            return commits == 0 ? 0 : (double) fsyncs / commits;
        }
    }

    private final CommandGateway gateway;
    private final byte[] value;
    private final Recorder latency = new Recorder(3);
    private final LongAdder commits = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "paxos-bench-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private volatile boolean measuring;

    private ClosedLoop(CommandGateway gateway, int valueBytes) {
        this.gateway = gateway;
        this.value = new byte[valueBytes];
        java.util.Arrays.fill(value, (byte) 'v');
    }

    static Outcome run(CommandGateway gateway, int proposers, int valueBytes, Duration warmup, Duration measure)
            throws InterruptedException {
        ClosedLoop loop = new ClosedLoop(gateway, valueBytes);
        try {
            return loop.measure(proposers, warmup, measure);
        } finally {
            loop.retries.shutdownNow();
        }
    }

    private Outcome measure(int proposers, Duration warmup, Duration window) throws InterruptedException {
        for (int p = 0; p < proposers; p++) {
            propose(p, 0);
        }
        Thread.sleep(warmup.toMillis());
        latency.reset();
        commits.reset();
        errors.reset();
        long fsyncsBefore = Wal.fsyncsTotal();
        long start = System.nanoTime();
        measuring = true;
        Thread.sleep(window.toMillis());
        measuring = false;
        double seconds = (System.nanoTime() - start) / 1e9;
        long fsyncs = Wal.fsyncsTotal() - fsyncsBefore;
        Outcome outcome = new Outcome(proposers, commits.sum(), errors.sum(), seconds, fsyncs,
                latency.getIntervalHistogram());
        running = false;
        drain();
        return outcome;
    }

    private void propose(int proposer, long sequence) {
        if (!running) {
            return;
        }
        byte[] key = ("paxos/" + (proposer * 7919L + sequence) % KEYSPACE_KEYS).getBytes(StandardCharsets.UTF_8);
        long startNanos = System.nanoTime();
        inFlight.incrementAndGet();
        gateway.propose(Put.of(key, value)).whenComplete((result, error) -> {
            inFlight.decrementAndGet();
            if (error == null) {
                if (measuring) {
                    latency.recordValue(System.nanoTime() - startNanos);
                    commits.increment();
                }
                propose(proposer, sequence + 1);
            } else {
                errors.increment();
                // Completion may run on the caller's stack: retry later, never recurse on failure.
                retries.schedule(() -> propose(proposer, sequence + 1), RETRY_PAUSE_MS, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Lets the proposals still in flight finish, so the next level starts from a quiet cluster. */
    private void drain() throws InterruptedException {
        long deadline = System.currentTimeMillis() + DRAIN_WAIT_MS_MAX;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }
}
