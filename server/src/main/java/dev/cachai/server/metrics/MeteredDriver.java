package dev.cachai.server.metrics;

import dev.cachai.engine.ClusterInfo;
import dev.cachai.engine.Engine;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.NodeHealth;
import dev.cachai.engine.StorageFiles;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Result;
import dev.cachai.metrics.Counter;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.server.driver.Driver;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The driver as the protocol adapters see it: proposals are counted on their way in and out
 * (etcd's pending and failed proposals), and health comes from what the driver reported.
 */
public final class MeteredDriver implements Driver {
    private final Driver driver;
    private final NodeHealth health;
    private final LongAdder pending = new LongAdder();
    private final Counter failed;

    public MeteredDriver(Driver driver, NodeHealth health, MetricRegistry registry) {
        this.driver = driver;
        this.health = health;
        registry.gauge("etcd_server_proposals_pending", "The current number of pending proposals to commit.",
                pending::sum);
        this.failed = registry.counter("etcd_server_proposals_failed_total", "The total number of failed proposals seen.");
    }

    @Override
    public CompletableFuture<Result> propose(Command command) {
        pending.increment();
        CompletableFuture<Result> f = driver.propose(command);
        f.whenComplete((r, e) -> {
            pending.decrement();
            if (e != null) {
                failed.inc();
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<Long> readBarrier() {
        return driver.readBarrier();
    }

    @Override
    public Engine engine() {
        return driver.engine();
    }

    @Override
    public LeaseKeeper leases() {
        return driver.leases();
    }

    @Override
    public Optional<ClusterInfo> cluster() {
        return driver.cluster();
    }

    @Override
    public NodeHealth health() {
        return health;
    }

    @Override
    public StorageFiles storage() {
        return driver.storage();
    }

    @Override
    public boolean healthy() {
        return driver.healthy();
    }

    @Override
    public void close() {
        driver.close();
    }
}
