package dev.cachai.server.cluster;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How the consensus loop waits for its next event. Parked, it costs a thread wake-up of 25-30 µs
 * on this kind of VM to get it going again, on every write's path; a serial client (one request
 * at a time, so the loop takes one event per round) pays it on each request, about a tenth of a
 * single-client write. After {@link #SERIAL_ROUNDS_MIN} such rounds the loop first polls for up to
 * {@link #SPIN_NANOS_MAX}, yielding its core to any other runnable thread between polls, and
 * parks only after that. Rounds that take several events (concurrent clients) or none (a timeout)
 * stop the spinning: there the CPU is better left to the threads that have work. A follower
 * takes its leader's frames one per round even under load and polls too: in a three-member A/B
 * at 64 clients on two cores that cost creates about 10% and gained setData 12%.
 *
 * <p>A serial client whose next request comes later than the poll lasts (a writer that waits for
 * a watch fan-out to reach 128 watchers first) would have the loop poll in vain on every request:
 * 200 µs and about 70 yields each, taken from the threads doing the fan-out. So a poll that finds
 * nothing is not tried again for the next round, then two, four, up to
 * {@link #ROUNDS_WITHOUT_SPIN_MAX}; one that finds an event spins on every round again.
 */
final class EventWaits {
    /** Covers a client's round trip between a reply and its next request (about 100-150 µs here). */
    static final long SPIN_NANOS_MAX = 200_000;
    static final int SERIAL_ROUNDS_MIN = 4;
    /** The longest pause of polling after polls that found nothing: a fresh try once in this many rounds. */
    static final int ROUNDS_WITHOUT_SPIN_MAX = 64;

    private int serialRounds;
    /** Rounds this loop parks at once before it polls again. */
    private int roundsWithoutSpin;
    /** The pause the next poll that finds nothing starts; 0 while polls find events. */
    private int missPauseRounds;

    /** The next event, waiting at most {@code waitMs}; null when none came. */
    <T> T next(BlockingQueue<T> events, long waitMs) throws InterruptedException {
        T first = null;
        if (spinsThisRound()) {
            first = spin(events);
            spinFound(first != null);
        }
        return first != null ? first : events.poll(waitMs, TimeUnit.MILLISECONDS);
    }

    /** Tells how many events the round took (0 when the wait timed out). */
    void roundTook(int eventCount) {
        serialRounds = eventCount == 1 ? serialRounds + 1 : 0;
    }

    boolean spinning() {
        return serialRounds >= SERIAL_ROUNDS_MIN;
    }

    /** Whether this round's wait polls first; a round in a pause after vain polls counts it down. */
    boolean spinsThisRound() {
        if (!spinning()) {
            return false;
        }
        if (roundsWithoutSpin > 0) {
            roundsWithoutSpin--;
            return false;
        }
        return true;
    }

    /** What a poll found: an event keeps polling on; nothing pauses it, twice as long as the last pause. */
    void spinFound(boolean found) {
        if (found) {
            missPauseRounds = 0;
            return;
        }
        missPauseRounds = Math.min(Math.max(1, missPauseRounds * 2), ROUNDS_WITHOUT_SPIN_MAX);
        roundsWithoutSpin = missPauseRounds;
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
