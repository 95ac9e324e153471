package dev.cachai.etcd;

import dev.cachai.etcd.auth.AuthTokenConfig;

import java.util.List;

/**
 * Settings of the etcd v3 adapter. Defaults follow etcd 3.5's own defaults so clients see the
 * limits they expect.
 *
 * @param host                       address to bind gRPC (and the unified HTTP gateway) on
 * @param port                       client port; 0 picks a free one (see {@link EtcdServer#port()})
 * @param gatewayPort                HTTP/JSON gateway port when it is not unified with {@code port}:
 *                                   -1 serves the gateway on the gRPC port itself, 0 a free port
 * @param memberName                 this member's name in MemberList
 * @param memberId                   this member's id (ResponseHeader.member_id)
 * @param clusterId                  ResponseHeader.cluster_id
 * @param peerUrls                   advertised peer URLs
 * @param clientUrls                 advertised client URLs (empty: derived from the bound port)
 * @param version                    version string reported by Status and /version
 * @param requestBytesMax            etcd --max-request-bytes
 * @param txnOpsMax                  etcd --max-txn-ops
 * @param quotaBackendBytes          etcd --quota-backend-bytes (NOSPACE alarm above it)
 * @param authTokenTtlSeconds        simple token lifetime (etcd --auth-token-ttl)
 * @param concurrentStreamsMax       HTTP/2 streams per connection
 * @param watchHistoryEventsMax      events the watch hub keeps for replays and slow watchers
 * @param watchProgressNotifyIntervalMs etcd --experimental-watch-progress-notify-interval
 * @param leaseTtlSecondsMin         etcd's minimum lease TTL (1.5 election timeouts, rounded up)
 * @param authTokens                 etcd --auth-token: simple tokens or JWTs with their keys
 */
public record EtcdServerConfig(String host, int port, int gatewayPort, String memberName, long memberId,
                               long clusterId, List<String> peerUrls, List<String> clientUrls,
                               String version, int requestBytesMax, int txnOpsMax,
                               long quotaBackendBytes, long authTokenTtlSeconds, int concurrentStreamsMax,
                               int watchHistoryEventsMax, long watchProgressNotifyIntervalMs,
                               long leaseTtlSecondsMin, AuthTokenConfig authTokens) {
    public static final String VERSION_DEFAULT = "3.5.17";
    /** {@link #gatewayPort()} value that serves the gateway on the client port, as etcd does. */
    public static final int GATEWAY_ON_CLIENT_PORT = -1;
    /** etcd's cluster version: major.minor of the server version. */
    public static final int REQUEST_BYTES_DEFAULT = 1536 * 1024;
    /** grpc-go in etcd accepts this much framing beyond --max-request-bytes before RESOURCE_EXHAUSTED. */
    public static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    public EtcdServerConfig {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
        require(port >= 0 && port <= 65535, "port out of range");
        require(gatewayPort >= -1 && gatewayPort <= 65535, "gatewayPort out of range");
        require(requestBytesMax > 0, "requestBytesMax must be > 0");
        require(txnOpsMax > 0, "txnOpsMax must be > 0");
        require(quotaBackendBytes > 0 && quotaBackendBytes <= 8L << 30, "quotaBackendBytes must be in (0, 8 GiB]");
        require(authTokenTtlSeconds > 0, "authTokenTtlSeconds must be > 0");
        require(concurrentStreamsMax > 0, "concurrentStreamsMax must be > 0");
        require(watchHistoryEventsMax > 0, "watchHistoryEventsMax must be > 0");
        require(watchProgressNotifyIntervalMs > 0, "watchProgressNotifyIntervalMs must be > 0");
        require(leaseTtlSecondsMin > 0, "leaseTtlSecondsMin must be > 0");
        require(memberId != 0 && clusterId != 0, "memberId and clusterId must be non-zero");
        require(authTokens != null, "authTokens must be given");
    }

    /** The settings with etcd's default simple tokens. */
    public EtcdServerConfig(String host, int port, int gatewayPort, String memberName, long memberId,
                            long clusterId, List<String> peerUrls, List<String> clientUrls,
                            String version, int requestBytesMax, int txnOpsMax,
                            long quotaBackendBytes, long authTokenTtlSeconds, int concurrentStreamsMax,
                            int watchHistoryEventsMax, long watchProgressNotifyIntervalMs,
                            long leaseTtlSecondsMin) {
        this(host, port, gatewayPort, memberName, memberId, clusterId, peerUrls, clientUrls, version, requestBytesMax,
                txnOpsMax, quotaBackendBytes, authTokenTtlSeconds, concurrentStreamsMax, watchHistoryEventsMax,
                watchProgressNotifyIntervalMs, leaseTtlSecondsMin, AuthTokenConfig.SIMPLE);
    }

    /** A single member on {@code host:port} with etcd's defaults. */
    public static EtcdServerConfig defaults(String host, int port) {
        return new EtcdServerConfig(host, port, GATEWAY_ON_CLIENT_PORT, "default", 0x8e9e05c52164694dL, 0xcdf818194e3a8c32L,
                List.of("http://localhost:2380"), List.of(), VERSION_DEFAULT, REQUEST_BYTES_DEFAULT, 128,
                2L << 30, 300, 1000, 100_000, 600_000, 2);
    }

    public EtcdServerConfig withGatewayPort(int newGatewayPort) {
        return new EtcdServerConfig(host, port, newGatewayPort, memberName, memberId, clusterId, peerUrls,
                clientUrls, version, requestBytesMax, txnOpsMax, quotaBackendBytes, authTokenTtlSeconds,
                concurrentStreamsMax, watchHistoryEventsMax, watchProgressNotifyIntervalMs, leaseTtlSecondsMin, authTokens);
    }

    public EtcdServerConfig withWatchProgressNotifyIntervalMs(long intervalMs) {
        return new EtcdServerConfig(host, port, gatewayPort, memberName, memberId, clusterId, peerUrls,
                clientUrls, version, requestBytesMax, txnOpsMax, quotaBackendBytes, authTokenTtlSeconds,
                concurrentStreamsMax, watchHistoryEventsMax, intervalMs, leaseTtlSecondsMin, authTokens);
    }

    public EtcdServerConfig withQuotaBackendBytes(long bytes) {
        return new EtcdServerConfig(host, port, gatewayPort, memberName, memberId, clusterId, peerUrls,
                clientUrls, version, requestBytesMax, txnOpsMax, bytes, authTokenTtlSeconds,
                concurrentStreamsMax, watchHistoryEventsMax, watchProgressNotifyIntervalMs, leaseTtlSecondsMin, authTokens);
    }

    public EtcdServerConfig withWatchHistoryEventsMax(int eventsMax) {
        return new EtcdServerConfig(host, port, gatewayPort, memberName, memberId, clusterId, peerUrls,
                clientUrls, version, requestBytesMax, txnOpsMax, quotaBackendBytes, authTokenTtlSeconds,
                concurrentStreamsMax, eventsMax, watchProgressNotifyIntervalMs, leaseTtlSecondsMin, authTokens);
    }

    /** The same settings on another client port (a restart keeps the bound port). */
    public EtcdServerConfig withPort(int newPort) {
        return new EtcdServerConfig(host, newPort, gatewayPort, memberName, memberId, clusterId, peerUrls,
                clientUrls, version, requestBytesMax, txnOpsMax, quotaBackendBytes, authTokenTtlSeconds,
                concurrentStreamsMax, watchHistoryEventsMax, watchProgressNotifyIntervalMs, leaseTtlSecondsMin, authTokens);
    }

    /** The same settings with other auth tokens (etcd --auth-token). */
    public EtcdServerConfig withAuthTokens(AuthTokenConfig tokens) {
        return new EtcdServerConfig(host, port, gatewayPort, memberName, memberId, clusterId, peerUrls,
                clientUrls, version, requestBytesMax, txnOpsMax, quotaBackendBytes, authTokenTtlSeconds,
                concurrentStreamsMax, watchHistoryEventsMax, watchProgressNotifyIntervalMs, leaseTtlSecondsMin, tokens);
    }

    /** "3.5" for "3.5.17": etcd reports the cluster version as major.minor.0. */
    public String clusterVersion() {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] + ".0" : version;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
