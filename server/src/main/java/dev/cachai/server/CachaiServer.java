package dev.cachai.server;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.EngineLimits;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.etcd.EtcdServerConfig;
import dev.cachai.server.cluster.ClusterBoot;
import dev.cachai.server.cluster.ClusterDriver;
import dev.cachai.server.cluster.ClusterLimits;
import dev.cachai.server.cluster.ClusterView;
import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.config.ServerConfig;
import dev.cachai.server.driver.Driver;
import dev.cachai.server.driver.DriverLimits;
import dev.cachai.server.driver.LocalDriver;
import dev.cachai.server.log.CommandLog;
import dev.cachai.server.storage.DataDir;
import dev.cachai.server.tls.ClientTlsSetup;
import dev.cachai.server.transport.TransportLimits;
import dev.cachai.zk.ZkServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One Cachai node: recovers the engine from its data dir, runs the driver, serves ZooKeeper and
 * etcd clients. Without {@code --initial-cluster} writes go through the single-node durable log
 * ({@link LocalDriver}); with it, through Multi-Paxos ({@link ClusterDriver}).
 */
public final class CachaiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CachaiServer.class);
    /** One log segment file before rolling to the next. */
    static final long SEGMENT_BYTES_MAX = 64L << 20;
    /** The largest log record: etcd's 1.5 MiB request plus encoding slack. */
    static final int RECORD_BYTES_MAX = 8 << 20;

    private final ServerConfig config;
    private final DataDir dataDir;
    private final Driver driver;
    private final Endpoints endpoints;

    private CachaiServer(ServerConfig config, DataDir dataDir, Driver driver, Endpoints endpoints) {
        this.config = config;
        this.dataDir = dataDir;
        this.driver = driver;
        this.endpoints = endpoints;
    }

    public static CachaiServer start(ServerConfig config) {
        return start(config, DriverLimits.DEFAULTS);
    }

    public static CachaiServer start(ServerConfig config, DriverLimits limits) {
        return start(config, limits, ClusterLimits.DEFAULTS);
    }

    public static CachaiServer start(ServerConfig config, DriverLimits limits, ClusterLimits clusterLimits) {
        long started = System.nanoTime();
        DataDir dataDir = DataDir.open(config.dataDir());
        Driver driver = null;
        Endpoints endpoints = null;
        try {
            AtomicReference<Endpoints> endpointsRef = new AtomicReference<>();
            driver = config.clustered()
                    ? ClusterBoot.start(config, dataDir, clusterLimits, TransportLimits.DEFAULTS,
                            engine -> restartIfStarted(endpointsRef.get()))
                    : startLocal(dataDir, limits);
            endpoints = new Endpoints(zkConfig(config), ClientTlsSetup.zk(config.clientTls()), etcdConfig(config),
                    ClientTlsSetup.etcd(config.clientTls()), driver);
            endpointsRef.set(endpoints);
            endpoints.start();
            LOG.info("cachai node '{}' ready in {} ms: ZooKeeper on {}:{}, etcd on {}:{}, data in {}", config.name(),
                    (System.nanoTime() - started) / 1_000_000, config.zkListen().host(), endpoints.zkPort(),
                    config.etcdListen().host(), endpoints.etcdPort(), config.dataDir().toAbsolutePath());
            logTls(config, endpoints);
            return new CachaiServer(config, dataDir, driver, endpoints);
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

    private static void logTls(ServerConfig config, Endpoints endpoints) {
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

    private static LocalDriver startLocal(DataDir dataDir, DriverLimits limits) {
        refuseClusterData(dataDir);
        EngineSnapshot.Restored restored = dataDir.loadNewestSnapshot(EngineLimits.DEFAULTS);
        long[] replayed = {0};
        CommandLog log = CommandLog.open(dataDir.walDir(), SEGMENT_BYTES_MAX, RECORD_BYTES_MAX,
                restored.appliedIndex() + 1, record -> {
                    LocalDriver.replay(restored.engine(), record);
                    replayed[0]++;
                });
        long appliedIndex = log.nextIndex() - 1;
        LOG.info("recovered {} log records on top of the snapshot; revision {}", replayed[0],
                restored.engine().revision());
        return new LocalDriver(restored.engine(), log, dataDir, appliedIndex, limits);
    }

    /** A cluster member's snapshots are indexed by Paxos slot: a single node cannot reuse them. */
    private static void refuseClusterData(DataDir dataDir) {
        if (!Files.isDirectory(dataDir.paxosDir())) {
            return;
        }
        try (Stream<java.nio.file.Path> files = Files.list(dataDir.paxosDir())) {
            if (files.findAny().isPresent()) {
                throw new IllegalStateException("data dir holds a cluster member's log; start it with --initial-cluster");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ZkServerConfig zkConfig(ServerConfig c) {
        ZkServerConfig d = ZkServerConfig.defaults();
        int tick = c.zkTickTimeMs();
        return new ZkServerConfig(c.zkListen().host(), c.zkListen().port(), tick, 2 * tick, 20 * tick,
                c.zkMaxClientCnxns(), d.requestsOutstandingMax(), d.frameBytesMax(),
                new HashSet<>(Arrays.asList(c.zk4lwWhitelist().split("\\s*,\\s*"))), c.zkSuperDigest(),
                c.zkExtendedTypes(), zkServerId(c).orElse(d.serverId()), zkMembers(c), d.configVersion(),
                d.eventLoopThreads(), d.changesQueuedMax());
    }

    /**
     * ZooKeeper's myid is the top byte of the session ids a node hands out, so members need
     * distinct ones: their 1-based position in the member list sorted by name.
     */
    static Optional<Long> zkServerId(ServerConfig c) {
        if (!c.clustered()) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>(c.initialCluster().members().stream().map(ClusterMember::name).toList());
        names.sort(null);
        return Optional.of((long) names.indexOf(c.name()) + 1);
    }

    /** /zookeeper/config lines ("N=host:port:port:participant"), empty for a standalone node. */
    static List<String> zkMembers(ServerConfig c) {
        if (!c.clustered() || c.initialCluster().members().size() < 2) {
            return List.of();
        }
        List<ClusterMember> sorted = new ArrayList<>(c.initialCluster().members());
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            ClusterMember m = sorted.get(i);
            lines.add((i + 1) + "=" + m.peer().host() + ":" + m.peer().port() + ":" + m.peer().port() + ":participant");
        }
        return lines;
    }

    static EtcdServerConfig etcdConfig(ServerConfig c) {
        EtcdServerConfig d = EtcdServerConfig.defaults(c.etcdListen().host(), c.etcdListen().port());
        long memberId = c.clustered() ? c.initialCluster().self(c.name()).id() : d.memberId();
        // Advertise the address peers reach us on, which in a cluster is the one the member list gives.
        String peerUrl = "http://" + (c.clustered() ? c.initialCluster().self(c.name()).peer() : c.peerListen());
        long clusterId = c.clustered() ? c.initialCluster().clusterId() : d.clusterId();
        return new EtcdServerConfig(d.host(), d.port(), d.gatewayPort(), c.name(), memberId, clusterId,
                List.of(peerUrl), d.clientUrls(), c.etcdVersion(), d.requestBytesMax(),
                d.txnOpsMax(), d.quotaBackendBytes(), d.authTokenTtlSeconds(), d.concurrentStreamsMax(),
                d.watchHistoryEventsMax(), d.watchProgressNotifyIntervalMs(), d.leaseTtlSecondsMin());
    }

    public int zkPort() { return endpoints.zkPort(); }

    public int etcdPort() { return endpoints.etcdPort(); }

    public ServerConfig config() { return config; }

    /** The bound secure ZooKeeper port, or -1 without one. */
    public int zkSecurePort() { return endpoints.zkSecurePort(); }

    public CommandGateway gateway() { return driver; }

    public boolean healthy() { return driver.healthy(); }

    /** The cluster as this node sees it; empty for a single node without --initial-cluster. */
    public Optional<ClusterView> cluster() {
        return driver instanceof ClusterView view ? Optional.of(view) : Optional.empty();
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
