package dev.cachai.zk.admin;

import dev.cachai.metrics.MetricRegistry;

import java.util.function.LongSupplier;

/**
 * The ZooKeeper gauges, under the names ZooKeeper's Prometheus metrics provider gives them (its
 * help text is the name too). Registered again when the endpoint restarts: the gauges then read
 * the new endpoint.
 */
public final class ZkMetrics {
    /** The values one ZooKeeper endpoint reports. */
    public interface Source {
        long aliveConnections();

        long outstandingRequests();

        long znodeCount();

        long watchCount();

        long ephemeralsCount();

        long approximateDataSize();

        long globalSessions();

        long packetsReceived();

        long packetsSent();

        long uptimeMs();
    }

    private ZkMetrics() {}

    public static void register(MetricRegistry registry, Source source) {
        gauge(registry, "num_alive_connections", source::aliveConnections);
        gauge(registry, "outstanding_requests", source::outstandingRequests);
        gauge(registry, "znode_count", source::znodeCount);
        gauge(registry, "watch_count", source::watchCount);
        gauge(registry, "ephemerals_count", source::ephemeralsCount);
        gauge(registry, "approximate_data_size", source::approximateDataSize);
        gauge(registry, "global_sessions", source::globalSessions);
        gauge(registry, "packets_received", source::packetsReceived);
        gauge(registry, "packets_sent", source::packetsSent);
        gauge(registry, "uptime", source::uptimeMs);
    }

    private static void gauge(MetricRegistry registry, String name, LongSupplier value) {
        registry.gauge(name, name, value::getAsLong);
    }
}
