package dev.cachai.server.driver;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Result;

/**
 * What a driver reports as it runs, for metrics and health: leadership, log progress, applied
 * commands, disk timings. The driver calls it from its loop thread (snapshot timings from the
 * housekeeping thread); implementations must be cheap and never block. Every method defaults to
 * doing nothing.
 */
public interface DriverObserver {
    /** The leader this node knows changed: its id (0 while none is known), and whether it is this node. */
    default void leaderIs(long leaderId, boolean self) {}

    /** Everything through {@code committedIndex} is chosen, through {@code appliedIndex} applied. */
    default void progress(long committedIndex, long appliedIndex) {}

    /** A command was applied to the engine with this result (on every member, as etcd counts). */
    default void applied(Command command, Result result) {}

    /** The log made a batch durable; {@code nanos} is its fsync (as etcd's wal_fsync_duration times it). */
    default void logSynced(long nanos) {}

    /** A snapshot of the engine was written and synced to disk in {@code nanos}. */
    default void snapshotWritten(long nanos) {}

    /** The loop stopped: closed, or failed (the node can no longer serve). */
    default void stopped() {}
}
