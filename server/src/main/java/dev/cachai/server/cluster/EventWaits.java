package dev.cachai.server.cluster;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

import java.util.function.LongSupplier;

/**
 * How the consensus loop waits for its next event (see {@link ConsensusLoop}). Asleep in select,
 * it costs a thread wake-up of 25-30 µs on this kind of VM to get it going again, on every write's
 * path; a serial client (one request at a time, so the loop takes one event per round) pays it on
 * each request, about a tenth of a single-client write. After {@link #SERIAL_ROUNDS_MIN} such
 * rounds the loop first polls its peer sockets and task queue for up to {@link #SPIN_NANOS_MAX}
 * after each round, yielding its core to any other runnable thread between polls, and sleeps only
 * after that. Rounds that take several events (concurrent clients) or none (their events taken by
 * the round before) stop the polling: there the CPU is better left to the threads that have work, and so do
 * rounds that told watchers on several threads (see {@link #follow}). A follower takes its
 * leader's frames one per round even under load and polls too: in a three-member A/B at 64
 * clients on two cores that cost creates about 10% and gained setData 12%.
 *
 * <p>Only the loop thread calls these methods.
 */
final class EventWaits implements SelectStrategy {
    /** Covers a client's round trip between a reply and its next request (about 100-150 µs here). */
    static final long SPIN_NANOS_MAX = 200_000;
    static final int SERIAL_ROUNDS_MIN = 4;

    private LongSupplier wideFanOuts = () -> 0;
    /** {@link #wideFanOuts} when the loop last looked. */
    private long wideFanOutsSeen;
    private int serialRounds;
    private long spinUntilNanos;

    /**
     * Follows the engine's count of revisions that gave several threads watch events to send
     * ({@code Engine#wideFanOuts}). While it moves those threads need the cores, and a loop that
     * polls meanwhile slows them down: with one writer and 16 etcd watchers, the polling loop was
     * preempted by each event loop it woke, and telling the watch streams of a revision took
     * 210-250 µs instead of 25-30. So a move ends the streak of serial rounds.
     */
    void follow(LongSupplier engineWideFanOuts) {
        this.wideFanOuts = engineWideFanOuts;
        this.wideFanOutsSeen = engineWideFanOuts.getAsLong();
    }

    /** Tells how many events the round that just ended took, as of {@code nowNanos}. */
    void roundTook(int eventCount, long nowNanos) {
        serialRounds = eventCount == 1 ? serialRounds + 1 : 0;
        spinUntilNanos = nowNanos + SPIN_NANOS_MAX;
    }

    boolean spinning() {
        return serialRounds >= SERIAL_ROUNDS_MIN;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return selectNow.get();
        }
        return idleStrategy(selectNow, System.nanoTime());
    }

    /** With no task waiting: poll (after yielding the core) or sleep in select, as of {@code nowNanos}. */
    int idleStrategy(IntSupplier selectNow, long nowNanos) throws Exception {
        long wideFanOutsNow = wideFanOuts.getAsLong();
        if (wideFanOutsNow != wideFanOutsSeen) {
            wideFanOutsSeen = wideFanOutsNow;
            serialRounds = 0;
        }
        if (!spinning() || nowNanos - spinUntilNanos >= 0) {
            return SelectStrategy.SELECT;
        }
        // Not onSpinWait: on two cores a busy-spinning loop kept a woken gRPC thread off its core
        // and made etcd puts slower; yielding lets such a thread run first.
        Thread.yield();
        return selectNow.get();
    }
}
