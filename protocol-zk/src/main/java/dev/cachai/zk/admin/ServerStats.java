package dev.cachai.zk.admin;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** Counters and request latencies for the four-letter words (reset by srst). */
public final class ServerStats {
    private static final long NANOS_PER_MS = 1_000_000L;

    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyTotalMs = new LongAdder();
    private final LongAccumulator latencyMinMs = new LongAccumulator(Math::min, Long.MAX_VALUE);
    private final LongAccumulator latencyMaxMs = new LongAccumulator(Math::max, 0);

    public void received() {
        received.increment();
    }

    public void sent() {
        sent.increment();
    }

    /** One request answered {@code nanos} after it was started (ZooKeeper reports whole milliseconds). */
    public void latency(long nanos) {
        long ms = Math.max(0, nanos / NANOS_PER_MS);
        latencyCount.increment();
        latencyTotalMs.add(ms);
        latencyMinMs.accumulate(ms);
        latencyMaxMs.accumulate(ms);
    }

    public long receivedCount() {
        return received.sum();
    }

    public long sentCount() {
        return sent.sum();
    }

    /** 0 before the first request, as ZooKeeper shows it. */
    public long minLatencyMs() {
        long min = latencyMinMs.get();
        return min == Long.MAX_VALUE ? 0 : min;
    }

    public long maxLatencyMs() {
        return latencyMaxMs.get();
    }

    public double avgLatencyMs() {
        long n = latencyCount.sum();
        return n == 0 ? 0.0 : (double) latencyTotalMs.sum() / n;
    }

    public void reset() {
        received.reset();
        sent.reset();
        latencyCount.reset();
        latencyTotalMs.reset();
        latencyMinMs.reset();
        latencyMaxMs.reset();
    }
}
