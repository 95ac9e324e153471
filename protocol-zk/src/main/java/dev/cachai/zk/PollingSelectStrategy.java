package dev.cachai.zk;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

import java.util.function.LongSupplier;

/**
 * How an event loop waits for I/O. Blocked in its selector, a loop costs a thread wake-up
 * (25-60 µs on two busy cores) each time a reply comes back from the consensus loop and each
 * time a serial client's next request arrives: two of them on every single-client write. While
 * replies are owed to its connections, and for a client's round trip after it last had work,
 * the loop instead polls its selector and task queue, yielding its core between polls to any
 * thread that has work; it blocks once nothing came for that long. It polls only once the
 * last {@link #SERIAL_TURNS_MIN} requests and replies on the loop were all one connection's (a
 * serial client): with several clients on a loop, work comes from one while another waits, and
 * polling would take the core from the threads doing that work (an A/B at 16 clients lost
 * 10-20% of reads and setData when loops polled whenever one channel at a time was ready).
 */
final class PollingSelectStrategy implements SelectStrategy {
    /** Covers a write's log sync, the longest wait for a reply worth polling through. */
    static final long POLL_AWAITING_NANOS_MAX = 1_000_000;
    /** Covers a client's round trip between a reply and its next request. */
    static final long POLL_IDLE_NANOS_MAX = 200_000;
    static final int SERIAL_TURNS_MIN = 4;

    private static final ThreadLocal<PollingSelectStrategy> OWN = new ThreadLocal<>();

    private final LongSupplier clockNanos;
    private long lastWorkNanos;
    private int repliesAwaited;
    /** The connection of the last request or reply on this loop, and how many in a row were its. */
    private Object lastConnection;
    private int serialTurns;

    PollingSelectStrategy(LongSupplier clockNanos) {
        this.clockNanos = clockNanos;
        this.lastWorkNanos = clockNanos.getAsLong();
    }

    static SelectStrategyFactory factory() {
        return () -> new PollingSelectStrategy(System::nanoTime);
    }

    /** Called on an event loop when {@code connection} received a request. */
    static void requestReceived(Object connection) {
        PollingSelectStrategy own = OWN.get();
        if (own != null) {
            own.turn(connection);
        }
    }

    /** Called on an event loop when {@code connection} waits for a reply from elsewhere. */
    static void replyAwaited() {
        PollingSelectStrategy own = OWN.get();
        if (own != null) {
            own.repliesAwaited++;
        }
    }

    /** Called on the same event loop when that reply arrived. */
    static void replyArrived(Object connection) {
        PollingSelectStrategy own = OWN.get();
        if (own != null && own.repliesAwaited > 0) {
            own.repliesAwaited--;
            own.turn(connection);
        }
    }

    private void turn(Object connection) {
        serialTurns = connection == lastConnection ? serialTurns + 1 : 0;
        lastConnection = connection;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (OWN.get() != this) {
            OWN.set(this); // the first call runs on the loop's thread, which owns this strategy
        }
        long now = clockNanos.getAsLong();
        int ready = selectNow.get();
        if (hasTasks || ready > 0) {
            lastWorkNanos = now;
            return ready;
        }
        long idleNanos = now - lastWorkNanos;
        long pollNanosMax = repliesAwaited > 0 ? POLL_AWAITING_NANOS_MAX : POLL_IDLE_NANOS_MAX;
        if (serialTurns >= SERIAL_TURNS_MIN && idleNanos < pollNanosMax) {
            Thread.yield();
            return SelectStrategy.CONTINUE;
        }
        return SelectStrategy.SELECT;
    }
}
