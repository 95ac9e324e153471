package dev.cachai.etcd.watch;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The watch streams of one event loop that have something to send, drained by one task on the
 * loop. A revision reaches every stream; a task per stream woke the loop once per stream
 * whenever the loop finished one stream's task before the next was queued, which on two cores
 * was the rule: each loop woken preempted the apply thread that was signalling the streams.
 * So a revision queues all its streams first and wakes each loop after ({@link #queue}, then
 * {@link #scheduleQueued}). A stream is queued once however often it is signalled, so the queue
 * holds at most the loop's streams.
 */
final class LoopSignals<S> {
    private final Executor loop;
    private final Consumer<S> drain;
    private final Set<S> queued = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /**
     * @param loop  runs tasks on the event loop
     * @param drain sends what a stream has (on the loop); must not throw
     */
    LoopSignals(Executor loop, Consumer<S> drain) {
        this.loop = loop;
        this.drain = drain;
    }

    /** {@code stream} (one of this loop's) has something to send: drain it soon on the loop. */
    void signal(S stream) {
        queue(stream);
        scheduleQueued();
    }

    /**
     * Queues {@code stream} for a revision reads now see, without waking the loop: the hub queues
     * every stream of the revision first and then {@link #scheduleQueued schedules} each loop
     * once. Scheduling per stream woke a loop again for each of its streams that came after the
     * loop had already drained the earlier ones and gone back to sleep, which on two cores was
     * the rule (a syscall trace of one writer and 16 watchers on 8 streams over 4 loops showed
     * 6-9 loop wake-ups per revision instead of 4).
     */
    void queue(S stream) {
        queued.add(stream);
    }

    /**
     * Drains what {@link #queue} left, soon, on the loop: true when streams were queued, so the
     * hub can count the loops it set to work.
     */
    boolean scheduleQueued() {
        if (queued.isEmpty()) {
            return false;
        }
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this::drainQueued);
        }
        return true;
    }

    /**
     * Cleared first: a stream signalled from here on schedules another task, which drains it
     * unless this one still does (a second drain finds nothing to send).
     */
    private void drainQueued() {
        scheduled.set(false);
        for (Iterator<S> it = queued.iterator(); it.hasNext(); ) {
            S stream = it.next();
            it.remove();
            drain.accept(stream);
        }
    }
}
