package dev.cachai.engine;

import dev.cachai.engine.kv.Change;

/**
 * Receives every committed revision's changes, in order, on the apply thread. Implementations
 * must not block: they hand the change to their own bounded queues.
 */
@FunctionalInterface
public interface ChangeListener {
    void onChange(Change change);
}
