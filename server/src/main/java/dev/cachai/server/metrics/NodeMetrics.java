package dev.cachai.server.metrics;

import dev.cachai.engine.NodeHealth;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Result;
import dev.cachai.etcd.metrics.MvccCounts;
import dev.cachai.metrics.Buckets;
import dev.cachai.metrics.Counter;
import dev.cachai.metrics.Histogram;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.server.driver.DriverObserver;

import java.util.function.BooleanSupplier;

/**
 * What the driver reports, kept as etcd's server and disk metrics and as this node's health. The
 * driver's loop writes, scrapes and health probes read (volatile fields and adders: no locks).
 */
public final class NodeMetrics implements DriverObserver, NodeHealth {
    /** etcd's disk histograms: 1 ms doubling to 8.192 s. */
    static final double[] DISK_SECONDS_BUCKETS = Buckets.exponential(0.001, 2, 14);
    /**
     * A member this many entries behind what it knows to be committed is still catching up (after
     * a partition or a snapshot install) and does not count as serving.
     */
    static final long CAUGHT_UP_LAG_ENTRIES_MAX = 1_000;

    private final BooleanSupplier learner;
    private final Counter leaderChanges;
    private final Histogram walFsync;
    private final Histogram backendCommit;
    private final MvccCounts mvcc;
    private volatile long leaderId;
    private volatile boolean leading;
    private volatile long committedIndex;
    private volatile long appliedIndex;
    private volatile boolean live = true;

    /**
     * @param mvcc    etcd's mvcc counters, counted as commands are applied
     * @param learner whether this node is a non-voting member now
     */
    public NodeMetrics(MetricRegistry registry, MvccCounts mvcc, BooleanSupplier learner) {
        this.learner = learner;
        this.mvcc = mvcc;
        registry.gauge("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.",
                () -> hasLeader() ? 1 : 0);
        registry.gauge("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
                () -> isLeader() ? 1 : 0);
        registry.gauge("etcd_server_is_learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.",
                () -> learner.getAsBoolean() ? 1 : 0);
        leaderChanges = registry.counter("etcd_server_leader_changes_seen_total", "The number of leader changes seen.");
        registry.gauge("etcd_server_proposals_committed_total",
                "The total number of consensus proposals committed.", () -> committedIndex);
        registry.gauge("etcd_server_proposals_applied_total",
                "The total number of consensus proposals applied.", () -> appliedIndex);
        walFsync = registry.histogram("etcd_disk_wal_fsync_duration_seconds",
                "The latency distributions of fsync called by WAL.", DISK_SECONDS_BUCKETS);
        backendCommit = registry.histogram("etcd_disk_backend_commit_duration_seconds",
                "The latency distributions of commit called by backend.", DISK_SECONDS_BUCKETS);
    }

    // ---------------------------------------------------------------- DriverObserver

    @Override
    public void leaderIs(long leaderId, boolean self) {
        // As etcd counts: every time a leader becomes known that differs from the last one seen.
        if (leaderId != 0 && leaderId != this.leaderId) {
            leaderChanges.inc();
        }
        this.leaderId = leaderId;
        this.leading = self && leaderId != 0;
    }

    @Override
    public void progress(long committedIndex, long appliedIndex) {
        this.committedIndex = committedIndex;
        this.appliedIndex = appliedIndex;
    }

    @Override
    public void applied(Command command, Result result) {
        mvcc.applied(command, result);
    }

    @Override
    public void logSynced(long nanos) {
        walFsync.observeNanos(nanos);
    }

    @Override
    public void snapshotWritten(long nanos) {
        backendCommit.observeNanos(nanos);
    }

    @Override
    public void stopped() {
        live = false;
    }

    // ---------------------------------------------------------------- NodeHealth

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public boolean hasLeader() {
        return live && leaderId != 0;
    }

    @Override
    public boolean isLeader() {
        return live && leading;
    }

    @Override
    public boolean caughtUp() {
        return committedIndex - appliedIndex <= CAUGHT_UP_LAG_ENTRIES_MAX;
    }

}
