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
     */
    default void onVisible(long revision) {}
}
