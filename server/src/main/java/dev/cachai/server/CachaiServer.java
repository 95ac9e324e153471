package dev.cachai.server;

import dev.cachai.engine.CommandGateway;
import dev.cachai.etcd.EtcdServerConfig;
import dev.cachai.etcd.metrics.MvccCounts;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.server.cluster.ClusterBoot;
import dev.cachai.server.cluster.ClusterDriver;
import dev.cachai.server.cluster.ClusterLimits;
import dev.cachai.server.cluster.ClusterView;
import dev.cachai.server.cluster.MemberRecord;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.ServerConfig;
import dev.cachai.server.driver.Driver;
import dev.cachai.server.metrics.MeteredDriver;
import dev.cachai.server.metrics.NodeMetrics;
import dev.cachai.server.metrics.PeerMetrics;
import dev.cachai.server.metrics.ProcessMetrics;
import dev.cachai.server.storage.DataDir;
import dev.cachai.server.tls.AuthTokenSetup;
import dev.cachai.server.tls.ClientTlsSetup;
import dev.cachai.server.transport.TransportLimits;
import dev.cachai.zk.ZkServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Cachai node: recovers the engine from its data dir, runs the consensus driver
 * ({@link ClusterDriver}; without {@code --initial-cluster}, as a cluster of one that may grow
 * through MemberAdd), serves ZooKeeper and etcd clients.
 */
public final class CachaiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CachaiServer.class);
    /** How long a node alone waits at start for its own election (a slow disk's fsync, with margin). */
    private static final long ALONE_LEADER_WAIT_MS = 10_000;

    private final ServerConfig config;
    private final DataDir dataDir;
    private final ClusterDriver driver;
    /** The driver as the endpoints use it: proposals counted, health reported. */
    private final Driver gateway;
    private final Endpoints endpoints;
    private final MetricRegistry metrics;

    private CachaiServer(ServerConfig config, DataDir dataDir, ClusterDriver driver, Driver gateway,
                         Endpoints endpoints, MetricRegistry metrics) {
        this.config = config;
        this.dataDir = dataDir;
        this.driver = driver;
        this.gateway = gateway;
        this.endpoints = endpoints;
        this.metrics = metrics;
    }

    public static CachaiServer start(ServerConfig config) {
        return start(config, ClusterLimits.DEFAULTS);
    }

    public static CachaiServer start(ServerConfig config, ClusterLimits clusterLimits) {
        long started = System.nanoTime();
        DataDir dataDir = DataDir.open(config.dataDir());
        ClusterDriver driver = null;
        Endpoints endpoints = null;
        MetricRegistry metrics = new MetricRegistry();
        try {
            AtomicReference<Endpoints> endpointsRef = new AtomicReference<>();
            AtomicReference<ClusterDriver> driverRef = new AtomicReference<>();
            NodeMetrics node = new NodeMetrics(metrics, new MvccCounts(metrics),
                    () -> driverRef.get() != null && isLearner(driverRef.get()));
            ProcessMetrics.register(metrics);
            driver = ClusterBoot.start(config, dataDir, clusterLimits, TransportLimits.DEFAULTS,
                    engine -> restartIfStarted(endpointsRef.get()), node, new PeerMetrics(metrics));
            driverRef.set(driver);
            awaitOwnLeadership(driver);
            Driver gateway = new MeteredDriver(driver, node, metrics);
            endpoints = new Endpoints(zkConfig(config, driver), ClientTlsSetup.zk(config.clientTls()),
                    etcdConfig(config, driver), ClientTlsSetup.etcd(config.clientTls()), gateway, metrics);
            endpointsRef.set(endpoints);
            endpoints.start();
            driver.advertise(selfRecord(config, driver, endpoints));
            LOG.info("cachai node '{}' ready in {} ms: ZooKeeper on {}:{}, etcd on {}:{}, data in {}", config.name(),
                    (System.nanoTime() - started) / 1_000_000, config.zkListen().host(), endpoints.zkPort(),
                    config.etcdListen().host(), endpoints.etcdPort(), config.dataDir().toAbsolutePath());
            logTls(config, endpoints);
            return new CachaiServer(config, dataDir, driver, gateway, endpoints, metrics);
        } catch (RuntimeException e) {
            if (endpoints != null) {
                endpoints.close();
            }
            if (driver != null) {
                driver.close();
            }
            dataDir.close();
            throw e;
        }
    }

    /**
     * A node alone leads itself within one fsync; it opens its client ports only then, so the
     * first request (or health probe) after start does not meet a node without a leader.
     */
    private static void awaitOwnLeadership(ClusterDriver driver) {
        if (driver.alone() && !driver.awaitLeader(ALONE_LEADER_WAIT_MS)) {
            LOG.warn("node alone has not led itself after {} ms; serving anyway (requests fail until it leads)",
                    ALONE_LEADER_WAIT_MS);
        }
    }

    private static void logTls(ServerConfig config, Endpoints endpoints) {
        LOG.info("etcd auth tokens: {}", AuthTokenSetup.describe(config.etcdAuthToken()));
        if (config.clientTls().etcdTls()) {
            LOG.info("etcd port serves TLS (client certificates {}, client-cert-auth {})",
                    config.clientTls().etcdTrustedCaFile() != null ? "required" : "not asked",
                    config.clientTls().etcdClientCertAuth());
        }
        if (config.clientTls().zkSecure()) {
            LOG.info("ZooKeeper secure client port on {}:{} (ssl.clientAuth {})", config.clientTls().zkSecureListen().host(),
                    endpoints.zkSecurePort(), config.clientTls().zkClientCertAuth());
        }
    }

    private static void restartIfStarted(Endpoints endpoints) {
        if (endpoints != null) {
            endpoints.restartOnNewEngine();
        }
    }

    /** etcd_server_is_learner: this node is a learner as clients see it. */
    private static boolean isLearner(ClusterView view) {
        return view.members().shownAsLearner(view.localId());
    }

    /** What this node tells the cluster about itself once its endpoints run (etcd's published attributes). */
    static MemberRecord selfRecord(ServerConfig c, ClusterDriver driver, Endpoints endpoints) {
        MemberRecord recorded = driver.members().record(driver.localId());
        String zkClient = new HostPort(c.zkListen().host(), endpoints.zkPort()).toString();
        return new MemberRecord(c.name(), List.of(driver.peerUrl()), clientUrls(c, endpoints.etcdPort()),
                recorded.zkServerId(), zkClient, false);
    }

    /** The etcd client URLs this member publishes: those advertised, else its listen address. */
    static List<String> clientUrls(ServerConfig c, int etcdPort) {
        if (!c.advertiseClientUrls().isEmpty()) {
            return c.advertiseClientUrls();
        }
        String scheme = c.clientTls().etcdTls() ? "https://" : "http://";
        return List.of(scheme + new HostPort(c.etcdListen().host(), etcdPort));
    }

    static ZkServerConfig zkConfig(ServerConfig c, ClusterDriver driver) {
        ZkServerConfig d = ZkServerConfig.defaults();
        int tick = c.zkTickTimeMs();
        return new ZkServerConfig(c.zkListen().host(), c.zkListen().port(), tick, 2 * tick, 20 * tick,
                c.zkMaxClientCnxns(), d.requestsOutstandingMax(), d.frameBytesMax(),
                new HashSet<>(Arrays.asList(c.zk4lwWhitelist().split("\\s*,\\s*"))), c.zkSuperDigest(),
                c.zkExtendedTypes(), zkServerId(driver, d.serverId()), List.of(), d.configVersion(),
                d.eventLoopThreads(), d.changesQueuedMax(), c.zkReconfigEnabled(), c.zkEnforceQuota());
    }

    /**
     * ZooKeeper's myid is the top byte of the session ids a node hands out, so members need
     * distinct ones: the server id the membership records for this node.
     */
    static long zkServerId(ClusterDriver driver, long fallback) {
        int recorded = driver.members().record(driver.localId()).zkServerId();
        return recorded > 0 ? recorded : fallback;
    }

    static EtcdServerConfig etcdConfig(ServerConfig c, ClusterDriver driver) {
        EtcdServerConfig d = EtcdServerConfig.defaults(c.etcdListen().host(), c.etcdListen().port());
        // Advertise the address peers reach us on, which the cluster's records hold.
        String peerUrl = driver.peerUrl();
        return new EtcdServerConfig(d.host(), d.port(), d.gatewayPort(), c.name(), driver.localId(),
                driver.clusterId(), List.of(peerUrl), c.advertiseClientUrls(), c.etcdVersion(), d.requestBytesMax(),
                d.txnOpsMax(), d.quotaBackendBytes(), c.etcdAuthTokenTtlSeconds(), d.concurrentStreamsMax(),
                d.watchHistoryEventsMax(), d.watchProgressNotifyIntervalMs(), d.leaseTtlSecondsMin(),
                AuthTokenSetup.load(c.etcdAuthToken()));
    }

    public int zkPort() { return endpoints.zkPort(); }

    public int etcdPort() { return endpoints.etcdPort(); }

    public ServerConfig config() { return config; }

    /** What the etcd adapter was started with. */
    EtcdServerConfig etcdConfig() { return endpoints.etcdConfig(); }

    /** The bound secure ZooKeeper port, or -1 without one. */
    public int zkSecurePort() { return endpoints.zkSecurePort(); }

    public CommandGateway gateway() { return gateway; }

    /** Everything /metrics serves. */
    public MetricRegistry metrics() { return metrics; }

    public boolean healthy() { return driver.healthy(); }

    /** The cluster as this node sees it (a single node is a cluster of one). */
    public Optional<ClusterView> cluster() {
        return Optional.of(driver);
    }

    @Override
    public void close() {
        safely(endpoints::close);
        safely(driver::close);
        safely(dataDir::close);
        LOG.info("cachai node '{}' stopped", config.name());
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping", e);
        }
    }
}
