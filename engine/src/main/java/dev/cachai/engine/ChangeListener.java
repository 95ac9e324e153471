package dev.cachai.engine;

import dev.cachai.engine.kv.Change;

/**
 * Receives every committed revision's changes, in order, on the apply thread. Implementations
 * must not block: they hand the change to their own bounded queues.
 */
@FunctionalInterface
public interface ChangeListener {
    /** A revision's changes, just before reads can see it. */
    void onChange(Change change);

    /**
     * Reads now see {@code revision}, whose changes every listener was just given: the moment
     * to tell clients, who may read at a revision as soon as they hear of it.
     *
     * @return how many threads the listener gave work to for this revision (event loops with
     *         watchers to tell, a dispatcher thread), so the threads that poll for their next
     *         piece of work can tell when the cores are wanted (see {@link Engine#wideFanOuts})
     */
    default int onVisible(long revision) {
        return 0;
    }
}
