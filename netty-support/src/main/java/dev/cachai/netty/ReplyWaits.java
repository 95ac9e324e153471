package dev.cachai.netty;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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
 * <p>A read is answered on the loop itself, so nothing is awaited; but a serial client's next
 * request then finds the loop asleep in select, and on this kind of VM the wake-up of a thread on
 * an idle core is the largest part of a read's round trip after the network (serializable ranges
 * at one client answered in 170-260 µs, linearizable ones, whose consensus loop kept a core busy
 * polling, in 110-180). So once a port's calls come one at a time and back to back
 * ({@link #ALONE_STREAK_MIN} calls in a row, each begun within {@link #NEXT_CALL_POLL_NANOS_MAX}
 * of this loop's last answer with no other call begun on the port since), a loop that answered a
 * call itself polls for the next one for up to that long. A client that thinks between its calls
 * breaks the streak, so a core is not spent polling for calls that come later anyway.
 *
 * <p>Each loop's strategy is found through a thread-local, bound on the loop's first round; calls
 * count their awaited replies on it from the loop thread, so only the port's totals, shared by the
 * loops, are atomic.
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
    /** Covers a serial client's turn between a reply and its next request (about 100-150 µs here). */
    static final long NEXT_CALL_POLL_NANOS_MAX = 200_000;
    private static final ThreadLocal<ReplyWaits> OF_THIS_LOOP = new ThreadLocal<>();

    /** Replies awaited on every loop of the port, shared by their strategies. */
    private final AtomicInteger portAwaited;
    private final LongSupplier wideFanOuts;
    /** {@link #wideFanOuts} when this loop's awaited reply was last counted. */
    private long wideFanOutsAtAwait;
    /** Calls begun on every loop of the port. */
    private final AtomicLong portCalls;
    private int awaited;
    private int aloneStreak;
    private long pollUntilNanos;
    /** {@link #portCalls} when this loop last answered a call itself, and when it did. */
    private long portCallsAtAnswer;
    private long answeredAtNanos;
    private int serialCallStreak;
    private boolean nextCallPolls;
    private long nextCallPollUntilNanos;
    private boolean bound;

    ReplyWaits(AtomicInteger portAwaited) {
        this(portAwaited, new AtomicLong(), () -> 0);
    }

    ReplyWaits(AtomicInteger portAwaited, AtomicLong portCalls, LongSupplier wideFanOuts) {
        this.portAwaited = portAwaited;
        this.portCalls = portCalls;
        this.wideFanOuts = wideFanOuts;
    }

    /**
     * Strategies for the loops of one port.
     *
     * @param wideFanOuts the engine's count of revisions told to watchers on several threads (see {@link #arrived})
     */
    static SelectStrategyFactory factory(LongSupplier wideFanOuts) {
        AtomicInteger portAwaited = new AtomicInteger();
        AtomicLong portCalls = new AtomicLong();
        return () -> new ReplyWaits(portAwaited, portCalls, wideFanOuts);
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
        OF_THIS_LOOP.get().arrived(System.nanoTime());
    }

    /** A call begins on the calling thread's loop (does nothing on any other thread). */
    public static void callBegunHere() {
        ReplyWaits waits = OF_THIS_LOOP.get();
        if (waits != null) {
            waits.callBegun(System.nanoTime());
        }
    }

    /** The calling thread's loop answered a call itself (does nothing on any other thread). */
    public static void answeredHere() {
        ReplyWaits waits = OF_THIS_LOOP.get();
        if (waits != null) {
            waits.answered(System.nanoTime());
        }
    }

    void callBegun(long nowNanos) {
        boolean alone = portCalls.getAndIncrement() == portCallsAtAnswer;
        boolean backToBack = nowNanos - answeredAtNanos < NEXT_CALL_POLL_NANOS_MAX;
        serialCallStreak = alone && backToBack ? serialCallStreak + 1 : 0;
        nextCallPolls = false;
    }

    void answered(long nowNanos) {
        answerSeen(nowNanos);
        nextCallPolls = serialCallStreak >= ALONE_STREAK_MIN;
        nextCallPollUntilNanos = nowNanos + NEXT_CALL_POLL_NANOS_MAX;
    }

    /** A call on this loop now waits for a reply that another thread will hand the loop. */
    void awaiting(long nowNanos) {
        wideFanOutsAtAwait = wideFanOuts.getAsLong();
        aloneStreak = portAwaited.getAndIncrement() == 0 ? aloneStreak + 1 : 0;
        awaited++;
        pollUntilNanos = nowNanos + POLL_NANOS_MAX;
    }

    /**
     * One awaited reply reached the loop. The loop answers that call, so a serial client's next
     * call keeps its streak (a write among reads), but no poll follows: the consensus loop that
     * produced the reply polls for its next event already, and a second polling thread was no
     * faster in A/Bs on two cores shared with the load generator.
     *
     * <p>A write told to watchers on several threads meanwhile (one writer, many watchers) ends
     * the streak: its events keep those threads busy while the next write is committed, and a
     * loop polling then took 40-50% of a core from them (with 16 etcd watchers).
     */
    void arrived(long nowNanos) {
        portAwaited.decrementAndGet();
        awaited--;
        if (wideFanOuts.getAsLong() != wideFanOutsAtAwait) {
            aloneStreak = 0;
        }
        answerSeen(nowNanos);
    }

    private void answerSeen(long nowNanos) {
        portCallsAtAnswer = portCalls.get();
        answeredAtNanos = nowNanos;
    }

    long portCalls() {
        return portCalls.get();
    }

    long portCallsAtAnswer() {
        return portCallsAtAnswer;
    }

    /** Replies awaited now; 0 whenever the loop's calls are all answered. */
    public int awaited() {
        return awaited;
    }

    boolean polling(long nowNanos) {
        return awaitedReplyPolls(nowNanos) || nextCallPolls(nowNanos);
    }

    private boolean awaitedReplyPolls(long nowNanos) {
        return awaited == 1 && portAwaited.get() == 1 && aloneStreak >= ALONE_STREAK_MIN
                && nowNanos - pollUntilNanos < 0;
    }

    private boolean nextCallPolls(long nowNanos) {
        return nextCallPolls && awaited == 0 && portAwaited.get() == 0 && nowNanos - nextCallPollUntilNanos < 0;
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
        return idleStrategy(selectNow, System.nanoTime());
    }

    /** With no task waiting: poll (after yielding the core) or sleep in select, as of {@code nowNanos}. */
    int idleStrategy(IntSupplier selectNow, long nowNanos) throws Exception {
        if (!polling(nowNanos)) {
            return SelectStrategy.SELECT;
        }
        Thread.yield();
        return selectNow.get();
    }
}
