package dev.cachai.server;

import dev.cachai.engine.CommandGateway;
import dev.cachai.etcd.EtcdServer;
import dev.cachai.etcd.EtcdServerConfig;
import dev.cachai.etcd.EtcdTls;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.zk.ZkServer;
import dev.cachai.zk.ZkSecurePort;
import dev.cachai.zk.ZkServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper and etcd endpoints of a node. The adapters hold the engine they started on, so
 * when a follower installs the leader's snapshot (a new engine) they are restarted on the same
 * ports; their clients reconnect as after any server restart.
 */
final class Endpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    private ZkServerConfig zkConfig;
    private EtcdServerConfig etcdConfig;
    /** Null: no secure ZooKeeper port. */
    private ZkSecurePort zkSecure;
    /** Null: the etcd port speaks plain text. */
    private final EtcdTls etcdTls;
    private final CommandGateway gateway;
    private final MetricRegistry metrics;
    private ZkServer zk;
    private EtcdServer etcd;

    Endpoints(ZkServerConfig zkConfig, ZkSecurePort zkSecure, EtcdServerConfig etcdConfig, EtcdTls etcdTls,
              CommandGateway gateway, MetricRegistry metrics) {
        this.zkConfig = zkConfig;
        this.zkSecure = zkSecure;
        this.etcdConfig = etcdConfig;
        this.etcdTls = etcdTls;
        this.gateway = gateway;
        this.metrics = metrics;
    }

    /** The etcd adapter's settings (tests check what the node's options became). */
    synchronized EtcdServerConfig etcdConfig() {
        return etcdConfig;
    }

    synchronized void start() {
        zk = new ZkServer(zkConfig, gateway, metrics, zkSecure);
        zk.start();
        try {
            etcd = new EtcdServer(etcdConfig, gateway, metrics, etcdTls);
            etcd.start();
        } catch (RuntimeException e) {
            zk.close();
            zk = null;
            throw e;
        }
    }

    /** Restarts both endpoints on the ports they are bound to now (a no-op before start). */
    synchronized void restartOnNewEngine() {
        if (zk == null || etcd == null) {
            return;
        }
        LOG.info("restarting client endpoints on the installed snapshot");
        zkConfig = zkConfig.withPort(zk.port());
        etcdConfig = etcdConfig.withPort(etcd.port());
        if (zkSecure != null) {
            zkSecure = zkSecure.withPort(zk.securePort());
        }
        close();
        start();
    }

    synchronized int zkPort() {
        return zk.port();
    }

    /** The bound secure ZooKeeper port, or -1 without one. */
    synchronized int zkSecurePort() {
        return zk.securePort();
    }

    synchronized int etcdPort() {
        return etcd.port();
    }

    @Override
    public synchronized void close() {
        if (zk != null) {
            safely(zk::close);
            zk = null;
        }
        if (etcd != null) {
            safely(etcd::close);
            etcd = null;
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping an endpoint", e);
        }
    }
}
