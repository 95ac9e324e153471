package dev.cachai.netty;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client port's worker loop strategy: the loop keeps polling, instead of sleeping in select,
 * while a call on it waits for a reply that another thread will hand it. A write's (or a
 * linearizable read's) answer comes from the consensus loop as a task; a loop asleep in select
 * costs a thread wake-up (25-60 µs on this kind of VM) to run it, and a client with one request
 * at a time pays that on every such request, about a tenth of a single-client write on one node.
 * So for up to {@link #POLL_NANOS_MAX} after a reply becomes awaited the loop polls its sockets
 * without blocking, yielding its core to any other runnable thread between polls. It does so
 * only for a serial client, one whose last {@link #ALONE_STREAK_MIN} calls each began alone on
 * the port: with several clients their replies arrive in groups anyway, and the cores are better
 * left to the threads producing them (polling whenever one reply was awaited on a loop cost
 * 16-client puts, linearizable ranges and creates 12-17% in an A/B).
 *
 * <p>Each loop's strategy is found through a thread-local, bound on the loop's first round; calls
 * count their awaited replies on it from the loop thread, so only the port's total, shared by the
 * loops, is atomic.
 */
public final class ReplyWaits implements SelectStrategy {
    /** Covers most single-write commits on one node (fsync p90 250-300 µs here); past it the loop sleeps. */
    static final long POLL_NANOS_MAX = 500_000;
    /**
     * Replies in a row that each began alone on the whole port before a loop polls: a serial
     * client. With several clients, a group commit answers them together and their next requests
     * arrive together, so the first of them is alone only for a moment, not four times running.
     * (Counted per loop instead, 16 clients on two loops passed for serial clients on 17% of
     * their writes.)
     */
    static final int ALONE_STREAK_MIN = 4;
    private static final ThreadLocal<ReplyWaits> OF_THIS_LOOP = new ThreadLocal<>();

    /** Replies awaited on every loop of the port, shared by their strategies. */
    private final AtomicInteger portAwaited;
    private int awaited;
    private int aloneStreak;
    private long pollUntilNanos;
    private boolean bound;

    ReplyWaits(AtomicInteger portAwaited) {
        this.portAwaited = portAwaited;
    }

    /** Strategies for the loops of one port. */
    static SelectStrategyFactory factory() {
        AtomicInteger portAwaited = new AtomicInteger();
        return () -> new ReplyWaits(portAwaited);
    }

    /** The calling loop's; null on any other thread (an embedded channel's or an in-process transport's). */
    public static ReplyWaits ofThisLoop() {
        return OF_THIS_LOOP.get();
    }

    /**
     * Counts a reply as awaited on the calling thread's loop; false (nothing counted) on a thread
     * that is no such loop. A true answer is matched by one {@link #arrivedHere} on that loop.
     */
    public static boolean awaitingHere() {
        ReplyWaits waits = OF_THIS_LOOP.get();
        if (waits == null) {
            return false;
        }
        waits.awaiting(System.nanoTime());
        return true;
    }

    /** The reply {@link #awaitingHere} counted on this loop has reached it. */
    public static void arrivedHere() {
        OF_THIS_LOOP.get().arrived();
    }

    /** A call on this loop now waits for a reply that another thread will hand the loop. */
    void awaiting(long nowNanos) {
        aloneStreak = portAwaited.getAndIncrement() == 0 ? aloneStreak + 1 : 0;
        awaited++;
        pollUntilNanos = nowNanos + POLL_NANOS_MAX;
    }

    /** One awaited reply reached the loop. */
    void arrived() {
        portAwaited.decrementAndGet();
        awaited--;
    }

    /** Replies awaited now; 0 whenever the loop's calls are all answered. */
    public int awaited() {
        return awaited;
    }

    boolean polling(long nowNanos) {
        return awaited == 1 && portAwaited.get() == 1 && aloneStreak >= ALONE_STREAK_MIN
                && nowNanos - pollUntilNanos < 0;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (!bound) {
            OF_THIS_LOOP.set(this);
            bound = true;
        }
        if (hasTasks) {
            return selectNow.get();
        }
        if (!polling(System.nanoTime())) {
            return SelectStrategy.SELECT;
        }
        Thread.yield();
        return selectNow.get();
    }
}
