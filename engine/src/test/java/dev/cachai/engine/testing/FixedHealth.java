package dev.cachai.engine.testing;

import dev.cachai.engine.NodeHealth;

/** A node's health fixed by a test: for adapters' answers when a node has no leader or stopped. */
public record FixedHealth(boolean live, boolean hasLeader, boolean isLeader, boolean caughtUp) implements NodeHealth {
    /** Running, but without a leader (cut off from the quorum, or electing). */
    public static final FixedHealth NO_LEADER = new FixedHealth(true, false, false, true);
    /** The loop stopped or failed. */
    public static final FixedHealth STOPPED = new FixedHealth(false, false, false, true);
}
