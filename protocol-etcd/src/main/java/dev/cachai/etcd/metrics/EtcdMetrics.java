package dev.cachai.etcd.metrics;

import dev.cachai.engine.Engine;
import dev.cachai.etcd.EtcdServerConfig;
import dev.cachai.metrics.Counter;
import dev.cachai.metrics.MetricRegistry;

import java.util.function.Supplier;

/**
 * The etcd adapter's metrics: who this member is, its quota, the store's gauges, ranges served
 * and health checks answered. Registered again when the adapter restarts on a new engine: the
 * counters carry on, the gauges read the engine the node serves now.
 */
public final class EtcdMetrics {
    private final MetricRegistry registry;
    private final MvccCounts mvcc;
    private final Counter healthSuccess;
    private final Counter healthFailures;

    public EtcdMetrics(MetricRegistry registry, EtcdServerConfig config, Supplier<Engine> engine) {
        this.registry = registry;
        registry.gaugeFamily("etcd_server_id",
                "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.", "server_id")
                .labels(Long.toHexString(config.memberId())).set(1);
        registry.gaugeFamily("etcd_server_version",
                "Which version is running. 1 for 'server_version' label with current version.", "server_version")
                .labels(config.version()).set(1);
        registry.gauge("etcd_server_quota_backend_bytes", "Current backend storage quota size in bytes.")
                .set(config.quotaBackendBytes());
        registerStore(registry, engine);
        this.mvcc = new MvccCounts(registry);
        this.healthSuccess = registry.counter("etcd_server_health_success", "The total number of successful health checks");
        this.healthFailures = registry.counter("etcd_server_health_failures", "The total number of failed health checks");
    }

    private static void registerStore(MetricRegistry registry, Supplier<Engine> engine) {
        registry.gauge("etcd_debugging_mvcc_current_revision", "The current revision of store.",
                () -> engine.get().revision());
        registry.gauge("etcd_debugging_mvcc_compact_revision", "The revision of the last compaction in store.",
                () -> engine.get().compactRevision());
        registry.gauge("etcd_debugging_mvcc_keys_total", "Total number of keys.", () -> engine.get().keyCount());
        // The store lives in memory: what it holds is both what it takes and what it uses.
        registry.gauge("etcd_mvcc_db_total_size_in_bytes",
                "Total size of the underlying database physically allocated in bytes.", () -> engine.get().approxBytes());
        registry.gauge("etcd_mvcc_db_total_size_in_use_in_bytes",
                "Total size of the underlying database logically in use in bytes.", () -> engine.get().approxBytes());
    }

    public MetricRegistry registry() {
        return registry;
    }

    public MvccCounts mvcc() {
        return mvcc;
    }

    /** One /health answer, counted as etcd counts them. */
    public void healthChecked(boolean healthy) {
        (healthy ? healthSuccess : healthFailures).inc();
    }
}
