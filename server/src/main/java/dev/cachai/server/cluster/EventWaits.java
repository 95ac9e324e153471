package dev.cachai.server.cluster;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How the consensus loop waits for its next event. Parked, it costs a thread wake-up of 25-30 µs
 * on this kind of VM to get it going again, on every write's path; a serial client (one request
 * at a time, so the loop takes one event per round) pays it on each request, about a tenth of a
 * single-client write. After {@link #SERIAL_ROUNDS_MIN} such rounds the loop first polls for up to
 * {@link #SPIN_NANOS_MAX}, yielding its core to any other runnable thread between polls, and
 * parks only after that. Rounds that take several events (concurrent clients) or none (a timeout)
 * stop the spinning: there the CPU is better left to the threads that have work, and so do rounds
 * that told watchers on several threads (see {@link #EventWaits(LongSupplier)}). A follower
 * takes its leader's frames one per round even under load and polls too: in a three-member A/B
 * at 64 clients on two cores that cost creates about 10% and gained setData 12%.
 */
final class EventWaits {
    /** Covers a client's round trip between a reply and its next request (about 100-150 µs here). */
    static final long SPIN_NANOS_MAX = 200_000;
    static final int SERIAL_ROUNDS_MIN = 4;

    private final LongSupplier wideFanOuts;
    /** {@link #wideFanOuts} when {@link #next} last looked. */
    private long wideFanOutsSeen;
    private int serialRounds;

    /** Waits for a loop whose applies tell no watcher (tests of the waiting alone). */
    EventWaits() {
        this(() -> 0);
    }

    /**
     * @param wideFanOuts the engine's count of revisions that gave several threads watch events to
     *                    send ({@code Engine#wideFanOuts}). While it moves those threads need the
     *                    cores, and a loop that polls meanwhile slows them down: with one writer and
     *                    16 etcd watchers, the polling loop was preempted by each event loop it woke,
     *                    and telling the watch streams of a revision took 210-250 µs instead of 25-30.
     *                    So a move ends the streak of serial rounds.
     */
    EventWaits(LongSupplier wideFanOuts) {
        this.wideFanOuts = wideFanOuts;
        this.wideFanOutsSeen = wideFanOuts.getAsLong();
    }

    /** The next event, waiting at most {@code waitMs}; null when none came. */
    <T> T next(BlockingQueue<T> events, long waitMs) throws InterruptedException {
        long wideFanOutsNow = wideFanOuts.getAsLong();
        if (wideFanOutsNow != wideFanOutsSeen) {
            wideFanOutsSeen = wideFanOutsNow;
            serialRounds = 0;
        }
        T first = spinning() ? spin(events) : null;
        return first != null ? first : events.poll(waitMs, TimeUnit.MILLISECONDS);
    }

    /** Tells how many events the round took (0 when the wait timed out). */
    void roundTook(int eventCount) {
        serialRounds = eventCount == 1 ? serialRounds + 1 : 0;
    }

    boolean spinning() {
        return serialRounds >= SERIAL_ROUNDS_MIN;
    }

    private static <T> T spin(BlockingQueue<T> events) {
        long deadline = System.nanoTime() + SPIN_NANOS_MAX;
        do {
            T e = events.poll();
            if (e != null) {
                return e;
            }
            // Not onSpinWait: on two cores a busy-spinning loop kept a woken gRPC thread off
            // its core and made etcd puts slower; yielding lets such a thread run first.
            Thread.yield();
        } while (System.nanoTime() < deadline);
        return null;
    }
}
