package dev.cachai.server;

import dev.cachai.engine.EngineLimits;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.etcd.EtcdServer;
import dev.cachai.etcd.EtcdServerConfig;
import dev.cachai.server.config.ServerConfig;
import dev.cachai.server.driver.DriverLimits;
import dev.cachai.server.driver.LocalDriver;
import dev.cachai.server.log.CommandLog;
import dev.cachai.server.storage.DataDir;
import dev.cachai.zk.ZkServer;
import dev.cachai.zk.ZkServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * One Cachai node: recovers the engine from its data dir, runs the driver, serves ZooKeeper and
 * etcd clients. Until consensus is wired, writes go through the single-node durable log.
 */
public final class CachaiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CachaiServer.class);
    /** One log segment file before rolling to the next. */
    static final long SEGMENT_BYTES_MAX = 64L << 20;
    /** The largest log record: etcd's 1.5 MiB request plus encoding slack. */
    static final int RECORD_BYTES_MAX = 8 << 20;

    private final ServerConfig config;
    private final DataDir dataDir;
    private final LocalDriver driver;
    private final ZkServer zk;
    private final EtcdServer etcd;

    private CachaiServer(ServerConfig config, DataDir dataDir, LocalDriver driver, ZkServer zk, EtcdServer etcd) {
        this.config = config;
        this.dataDir = dataDir;
        this.driver = driver;
        this.zk = zk;
        this.etcd = etcd;
    }

    public static CachaiServer start(ServerConfig config) {
        return start(config, DriverLimits.DEFAULTS);
    }

    public static CachaiServer start(ServerConfig config, DriverLimits limits) {
        long started = System.nanoTime();
        DataDir dataDir = DataDir.open(config.dataDir());
        LocalDriver driver = null;
        ZkServer zk = null;
        try {
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
            driver = new LocalDriver(restored.engine(), log, dataDir, appliedIndex, limits);
            zk = new ZkServer(zkConfig(config), driver);
            zk.start();
            EtcdServer etcd = new EtcdServer(etcdConfig(config), driver);
            etcd.start();
            LOG.info("cachai node '{}' ready in {} ms: ZooKeeper on {}:{}, etcd on {}:{}, data in {}", config.name(),
                    (System.nanoTime() - started) / 1_000_000, config.zkListen().host(), zk.port(),
                    config.etcdListen().host(), etcd.port(), config.dataDir().toAbsolutePath());
            return new CachaiServer(config, dataDir, driver, zk, etcd);
        } catch (RuntimeException e) {
            if (zk != null) {
                zk.close();
            }
            if (driver != null) {
                driver.close();
            }
            dataDir.close();
            throw e;
        }
    }

    static ZkServerConfig zkConfig(ServerConfig c) {
        ZkServerConfig d = ZkServerConfig.defaults();
        int tick = c.zkTickTimeMs();
        return new ZkServerConfig(c.zkListen().host(), c.zkListen().port(), tick, 2 * tick, 20 * tick,
                d.connectionsPerAddressMax(), d.requestsOutstandingMax(), d.frameBytesMax(),
                new HashSet<>(Arrays.asList(c.zk4lwWhitelist().split("\\s*,\\s*"))), c.zkSuperDigest(),
                c.zkExtendedTypes(), d.serverId(), d.members(), d.configVersion(), d.eventLoopThreads(),
                d.changesQueuedMax());
    }

    static EtcdServerConfig etcdConfig(ServerConfig c) {
        EtcdServerConfig d = EtcdServerConfig.defaults(c.etcdListen().host(), c.etcdListen().port());
        return new EtcdServerConfig(d.host(), d.port(), d.gatewayPort(), c.name(), d.memberId(), d.clusterId(),
                List.of("http://" + c.peerListen()), d.clientUrls(), c.etcdVersion(), d.requestBytesMax(),
                d.txnOpsMax(), d.quotaBackendBytes(), d.authTokenTtlSeconds(), d.concurrentStreamsMax(),
                d.watchHistoryEventsMax(), d.watchProgressNotifyIntervalMs(), d.leaseTtlSecondsMin());
    }

    public int zkPort() { return zk.port(); }

    public int etcdPort() { return etcd.port(); }

    public ServerConfig config() { return config; }

    public dev.cachai.engine.CommandGateway gateway() { return driver; }

    public boolean healthy() { return driver.healthy(); }

    @Override
    public void close() {
        safely(zk::close);
        safely(etcd::close);
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
