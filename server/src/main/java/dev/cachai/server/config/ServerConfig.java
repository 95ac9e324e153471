package dev.cachai.server.config;

import dev.cachai.etcd.auth.AuthTokenOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a node needs to start. Built by {@link ConfigLoader} from, in rising precedence,
 * defaults, a YAML file, environment variables and command-line options.
 *
 * @param etcdAuthToken  etcd's --auth-token: simple (the default) or jwt with its key files
 * @param zkEnforceQuota ZooKeeper's zookeeper.enforceQuota: hard quota limits fail writes
 * @param etcdAuthTokenTtlSeconds etcd's --auth-token-ttl: a simple token lives this long after its last use
 * @param autoCompaction etcd's --auto-compaction-mode and --auto-compaction-retention (off by default)
 * @param advertiseClientUrls etcd's --advertise-client-urls: the etcd client URLs this member
 *                            publishes; empty publishes its listen address
 * @param peerTls        etcd's --peer-* TLS flags: TLS between members (off by default)
 */
public record ServerConfig(String name, Path dataDir, HostPort zkListen, HostPort etcdListen, HostPort peerListen,
                           int zkTickTimeMs, String etcdVersion, boolean zkExtendedTypes, String zkSuperDigest,
                           String zk4lwWhitelist, InitialCluster initialCluster, int zkMaxClientCnxns,
                           boolean zkReconfigEnabled, ClientTls clientTls, AuthTokenOptions etcdAuthToken,
                           boolean zkEnforceQuota, long etcdAuthTokenTtlSeconds, AutoCompaction autoCompaction,
                           List<String> advertiseClientUrls, PeerTlsFiles peerTls) {
    public static final String DEFAULT_ETCD_VERSION = "3.5.17";
    /** etcd's --auth-token-ttl default (also what etcd takes 0 for). */
    public static final long AUTH_TOKEN_TTL_SECONDS_DEFAULT = 300;
    /** The longest TTL a Go time.Duration holds: etcd multiplies the seconds into one. */
    public static final long AUTH_TOKEN_TTL_SECONDS_MAX = Long.MAX_VALUE / 1_000_000_000L;
    /** ZooKeeper's maxClientCnxns default: connections one client address may hold; 0 = no limit. */
    public static final int ZK_MAX_CLIENT_CNXNS_DEFAULT = 60;

    /**
     * The settings with etcd's simple auth tokens living 300 s, no auto-compaction and ZooKeeper
     * quotas not enforced (both servers' defaults).
     */
    public ServerConfig(String name, Path dataDir, HostPort zkListen, HostPort etcdListen, HostPort peerListen,
                        int zkTickTimeMs, String etcdVersion, boolean zkExtendedTypes, String zkSuperDigest,
                        String zk4lwWhitelist, InitialCluster initialCluster, int zkMaxClientCnxns,
                        boolean zkReconfigEnabled, ClientTls clientTls) {
        this(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion, zkExtendedTypes,
                zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, zkReconfigEnabled, clientTls,
                AuthTokenOptions.SIMPLE, false, AUTH_TOKEN_TTL_SECONDS_DEFAULT, AutoCompaction.OFF, List.of(), PeerTlsFiles.NONE);
    }

    /** The settings with ZooKeeper's reconfiguration off, as ZooKeeper's reconfigEnabled defaults, and no TLS towards clients. */
    public ServerConfig(String name, Path dataDir, HostPort zkListen, HostPort etcdListen, HostPort peerListen,
                        int zkTickTimeMs, String etcdVersion, boolean zkExtendedTypes, String zkSuperDigest,
                        String zk4lwWhitelist, InitialCluster initialCluster, int zkMaxClientCnxns) {
        this(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion, zkExtendedTypes,
                zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, false, ClientTls.NONE);
    }

    /** The settings without a per-address connection limit of their own (ZooKeeper's default applies). */
    public ServerConfig(String name, Path dataDir, HostPort zkListen, HostPort etcdListen, HostPort peerListen,
                        int zkTickTimeMs, String etcdVersion, boolean zkExtendedTypes, String zkSuperDigest,
                        String zk4lwWhitelist, InitialCluster initialCluster) {
        this(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion, zkExtendedTypes,
                zkSuperDigest, zk4lwWhitelist, initialCluster, ZK_MAX_CLIENT_CNXNS_DEFAULT);
    }

    public static ServerConfig defaults() {
        return new ServerConfig("default", Path.of("data"), new HostPort("127.0.0.1", 2181),
                new HostPort("127.0.0.1", 2379), new HostPort("127.0.0.1", 2380), 2000, DEFAULT_ETCD_VERSION,
                false, null, "srvr,stat,mntr,ruok,conf,cons,envi,wchs,wchc,wchp,dump,isro",
                InitialCluster.NONE);
    }

    /** A single node on free loopback ports with its data in {@code dir}: what tests start. */
    public static ServerConfig ephemeral(Path dir) {
        ServerConfig d = defaults();
        return new ServerConfig("test", dir, new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), d.zkTickTimeMs(), d.etcdVersion(), true, null, "*", InitialCluster.NONE);
    }

    /** The same node as a member of {@code cluster}. */
    public ServerConfig withInitialCluster(InitialCluster cluster) {
        return new ServerConfig(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion,
                zkExtendedTypes, zkSuperDigest, zk4lwWhitelist, cluster, zkMaxClientCnxns, zkReconfigEnabled, clientTls,
                etcdAuthToken, zkEnforceQuota, etcdAuthTokenTtlSeconds, autoCompaction, advertiseClientUrls, peerTls);
    }

    /** The same node with TLS towards clients as given. */
    public ServerConfig withClientTls(ClientTls tls) {
        return new ServerConfig(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion,
                zkExtendedTypes, zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, zkReconfigEnabled,
                tls, etcdAuthToken, zkEnforceQuota, etcdAuthTokenTtlSeconds, autoCompaction, advertiseClientUrls, peerTls);
    }

    /** The same node with ZooKeeper's dynamic reconfiguration switched on or off. */
    public ServerConfig withZkReconfigEnabled(boolean enabled) {
        return new ServerConfig(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion,
                zkExtendedTypes, zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, enabled, clientTls,
                etcdAuthToken, zkEnforceQuota, etcdAuthTokenTtlSeconds, autoCompaction, advertiseClientUrls, peerTls);
    }

    /** The same node handing out etcd auth tokens as given (etcd --auth-token). */
    public ServerConfig withEtcdAuthToken(AuthTokenOptions authToken) {
        return new ServerConfig(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion,
                zkExtendedTypes, zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, zkReconfigEnabled,
                clientTls, authToken, zkEnforceQuota, etcdAuthTokenTtlSeconds, autoCompaction, advertiseClientUrls, peerTls);
    }

    /** The same node with ZooKeeper's hard quota limits enforced or not (zookeeper.enforceQuota). */
    public ServerConfig withZkEnforceQuota(boolean enforce) {
        return new ServerConfig(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion,
                zkExtendedTypes, zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, zkReconfigEnabled,
                clientTls, etcdAuthToken, enforce, etcdAuthTokenTtlSeconds, autoCompaction, advertiseClientUrls, peerTls);
    }

    /** The same node publishing {@code urls} as its etcd client URLs (etcd --advertise-client-urls). */
    public ServerConfig withAdvertiseClientUrls(List<String> urls) {
        return new ServerConfig(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion,
                zkExtendedTypes, zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, zkReconfigEnabled,
                clientTls, etcdAuthToken, zkEnforceQuota, etcdAuthTokenTtlSeconds, autoCompaction, urls, peerTls);
    }

    /** The same node talking to its peers over TLS as given. */
    public ServerConfig withPeerTls(PeerTlsFiles tls) {
        return new ServerConfig(name, dataDir, zkListen, etcdListen, peerListen, zkTickTimeMs, etcdVersion,
                zkExtendedTypes, zkSuperDigest, zk4lwWhitelist, initialCluster, zkMaxClientCnxns, zkReconfigEnabled,
                clientTls, etcdAuthToken, zkEnforceQuota, etcdAuthTokenTtlSeconds, autoCompaction, advertiseClientUrls,
                tls);
    }

    /** Started with an explicit member list (without one, a node is a cluster of one that may grow). */
    public boolean clustered() {
        return !initialCluster.isEmpty();
    }

    public ServerConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (zkTickTimeMs < 1) {
            throw new IllegalArgumentException("zk tick time must be positive");
        }
        if (zkMaxClientCnxns < 0) {
            throw new IllegalArgumentException("zk-max-client-cnxns must be >= 0 (0 = no limit)");
        }
        if (initialCluster == null) {
            initialCluster = InitialCluster.NONE;
        }
        if (clientTls == null) {
            clientTls = ClientTls.NONE;
        }
        if (etcdAuthToken == null) {
            etcdAuthToken = AuthTokenOptions.SIMPLE;
        }
        if (etcdAuthTokenTtlSeconds < 1 || etcdAuthTokenTtlSeconds > AUTH_TOKEN_TTL_SECONDS_MAX) {
            throw new IllegalArgumentException("auth-token-ttl must be between 1 and " + AUTH_TOKEN_TTL_SECONDS_MAX
                    + " seconds");
        }
        if (autoCompaction == null) {
            autoCompaction = AutoCompaction.OFF;
        }
        advertiseClientUrls = advertiseClientUrls == null ? List.of() : List.copyOf(advertiseClientUrls);
        advertiseClientUrls.forEach(AdvertisedUrls::requireValid);
        if (peerTls == null) {
            peerTls = PeerTlsFiles.NONE;
        }
        if (!initialCluster.isEmpty()) {
            initialCluster.self(name);
        }
    }
}
