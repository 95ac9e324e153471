package dev.cachai.server.metrics;

import dev.cachai.metrics.Counter;
import dev.cachai.metrics.CounterFamily;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.server.transport.PeerTraffic;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * etcd's peer traffic counters, labelled with the peer's member id in hex as etcd labels them.
 * A peer's counters are made on its first frame, so members added later are counted too.
 */
public final class PeerMetrics implements PeerTraffic {
    private final CounterFamily sentFamily;
    private final CounterFamily receivedFamily;
    private final Map<Integer, Counter> sent = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> received = new ConcurrentHashMap<>();

    public PeerMetrics(MetricRegistry registry) {
        sentFamily = registry.counterFamily("etcd_network_peer_sent_bytes_total",
                "The total number of bytes sent to peers.", "To");
        receivedFamily = registry.counterFamily("etcd_network_peer_received_bytes_total",
                "The total number of bytes received from peers.", "From");
    }

    @Override
    public void sent(int peerId, long bytes) {
        sent.computeIfAbsent(peerId, id -> sentFamily.labels(Long.toHexString(id))).add(bytes);
    }

    @Override
    public void received(int peerId, long bytes) {
        received.computeIfAbsent(peerId, id -> receivedFamily.labels(Long.toHexString(id))).add(bytes);
    }
}
