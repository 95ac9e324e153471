package dev.cachai.zk;

import dev.cachai.engine.ClusterInfo;
import java.util.Optional;

import dev.cachai.engine.Engine;
import dev.cachai.engine.lease.Lease;
import dev.cachai.zk.admin.ServerStats;
import dev.cachai.zk.admin.ZkMetrics;
import dev.cachai.engine.NodeHealth;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The four-letter admin words, answered in ZooKeeper's text formats. Also the source of the
 * ZooKeeper gauges, which report the same figures as mntr.
 */
final class FourLetterWords implements ZkMetrics.Source {
    static final String VERSION = "3.9.5-cachai, built on 2026-01-01 00:00 UTC";
    /** ZooKeeper's default trace mask, which gtmk prints. */
    private static final String TRACE_MASK_DEFAULT = "306";
    /** What ZooKeeper prints for words that need a running server while it has no quorum. */
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";
    private final long startedMs = System.currentTimeMillis();

    private final ZkServer server;
    private final Engine engine;

    FourLetterWords(ZkServer server) {
        this.server = server;
        this.engine = server.gateway().engine();
    }

    String answer(String word) {
        if (!server.config().fourLetterWordAllowed(word)) {
            return word + " is not executed because it is not in the whitelist.\n";
        }
        return switch (word) {
            // ZooKeeper answers imok while the process runs, quorum or not; a stopped node stays silent.
            case "ruok" -> health().live() ? "imok" : "";
            case "isro" -> health().serving() ? "rw" : "null";
            case "srvr" -> health().serving() ? srvr(false) : NOT_SERVING;
            case "stat" -> health().serving() ? srvr(true) : NOT_SERVING;
            case "mntr" -> health().serving() ? mntr() : NOT_SERVING;
            case "conf" -> conf();
            case "cons" -> cons() + "\n";
            case "envi" -> envi();
            case "wchs" -> wchs();
            case "wchc" -> wchc();
            case "wchp" -> wchp();
            case "dump" -> dump();
            case "crst" -> "Connection stats reset.\n";
            case "srst" -> {
                server.stats().reset();
                yield "Server stats reset.\n";
            }
            case "dirs" -> "datadir_size: 0\nlogdir_size: 0\n";
            case "gtmk" -> TRACE_MASK_DEFAULT;
            case "stmk" -> ""; // needs the mask after the word; ZooKeeper answers nothing without it
            case "hash" -> "";
            default -> word + " is not a known command.\n";
        };
    }

    private String srvr(boolean withClients) {
        StringBuilder sb = new StringBuilder("Zookeeper version: ").append(VERSION).append('\n');
        if (withClients) {
            sb.append("Clients:\n").append(cons()).append('\n');
        }
        ServerStats st = server.stats();
        sb.append("Latency min/avg/max: ").append(st.minLatencyMs()).append('/').append(avg(st))
                .append('/').append(st.maxLatencyMs()).append('\n')
                .append("Received: ").append(server.stats().receivedCount()).append('\n')
                .append("Sent: ").append(server.stats().sentCount()).append('\n')
                .append("Connections: ").append(server.connections().size()).append('\n')
                .append("Outstanding: ").append(outstandingRequests()).append('\n')
                .append("Zxid: 0x").append(Long.toHexString(engine.revision())).append('\n')
                .append("Mode: ").append(mode()).append('\n')
                .append("Node count: ").append(server.tree().nodeCount()).append('\n');
        return sb.toString();
    }

    /**
     * ZooKeeper's Mode line and zk_server_state: standalone alone; in a cluster, leader or
     * follower as consensus says (only asked while the node serves, so a leader is known).
     */
    private String mode() {
        Optional<ClusterInfo> cluster = server.gateway().cluster();
        if (cluster.isEmpty() || cluster.get().members().size() < 2) {
            return "standalone";
        }
        return health().isLeader() ? "leader" : "follower";
    }

    private NodeHealth health() {
        return server.gateway().health();
    }

    /** ZooKeeper's average latency: rounded to four decimals. */
    private static double avg(ServerStats st) {
        return java.math.BigDecimal.valueOf(st.avgLatencyMs()).setScale(4, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    /** One line per connection; session fields only once a session is established, as ZooKeeper. */
    private String cons() {
        StringBuilder sb = new StringBuilder();
        for (ZkConnection c : server.connections()) {
            boolean session = c.sessionId() != 0;
            sb.append(' ').append(c.channel().remoteAddress()).append(session ? "[1]" : "[0]")
                    .append("(queued=").append(c.queued())
                    .append(",recved=").append(c.received()).append(",sent=").append(c.sent());
            if (session) {
                sb.append(",sid=0x").append(Long.toHexString(c.sessionId())).append(c.stats().consFields(c.timeoutMs()));
            }
            sb.append(")\n");
        }
        return sb.toString();
    }

    private String mntr() {
        Object[][] rows = {
            {"zk_version", VERSION},
            {"zk_server_state", mode()},
            {"zk_avg_latency", avg(server.stats())},
            {"zk_max_latency", server.stats().maxLatencyMs()},
            {"zk_min_latency", server.stats().minLatencyMs()},
            {"zk_packets_received", packetsReceived()},
            {"zk_packets_sent", packetsSent()},
            {"zk_num_alive_connections", aliveConnections()},
            {"zk_global_sessions", globalSessions()},
            {"zk_local_sessions", 0},
            {"zk_uptime", uptimeMs()},
            {"zk_outstanding_requests", outstandingRequests()},
            {"zk_znode_count", znodeCount()},
            {"zk_watch_count", watchCount()},
            {"zk_ephemerals_count", ephemeralsCount()},
            {"zk_approximate_data_size", approximateDataSize()},
            {"zk_open_file_descriptor_count", openFileDescriptors()},
            {"zk_max_file_descriptor_count", maxFileDescriptors()},
        };
        StringBuilder sb = new StringBuilder();
        for (Object[] row : rows) {
            sb.append(row[0]).append('\t').append(row[1]).append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- ZkMetrics.Source

    @Override
    public long aliveConnections() {
        return server.connections().size();
    }

    /** Requests read from clients and not answered yet, over every connection. */
    @Override
    public long outstandingRequests() {
        long n = 0;
        for (ZkConnection c : server.connections()) {
            n += c.queued();
        }
        return n;
    }

    @Override
    public long approximateDataSize() {
        return server.tree().approximateDataSize();
    }

    @Override
    public long znodeCount() {
        return server.tree().nodeCount();
    }

    @Override
    public long watchCount() {
        return server.watches().watchCount();
    }

    @Override
    public long ephemeralsCount() {
        long ephemerals = 0;
        for (Long id : engine.leaseIds()) {
            Lease l = engine.lease(id);
            if (l != null && l.kind() == Lease.Kind.SESSION) {
                ephemerals += l.keyCount();
            }
        }
        return ephemerals;
    }

    @Override
    public long globalSessions() {
        return server.sessions().size();
    }

    @Override
    public long packetsReceived() {
        return server.stats().receivedCount();
    }

    @Override
    public long packetsSent() {
        return server.stats().sentCount();
    }

    @Override
    public long uptimeMs() {
        return System.currentTimeMillis() - startedMs;
    }

    private static long openFileDescriptors() {
        return unixOs() == null ? -1 : unixOs().getOpenFileDescriptorCount();
    }

    private static long maxFileDescriptors() {
        return unixOs() == null ? -1 : unixOs().getMaxFileDescriptorCount();
    }

    private static com.sun.management.UnixOperatingSystemMXBean unixOs() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix : null;
    }

    private String conf() {
        ZkServerConfig c = server.config();
        // ZooKeeper's dumpConf order; the data directories belong to the server module, not shown here.
        return "clientPort=" + server.port() + "\nsecureClientPort=-1\ntickTime=" + c.tickTimeMs()
                + "\nmaxClientCnxns=" + c.connectionsPerAddressMax() + "\nminSessionTimeout=" + c.sessionTimeoutMsMin()
                + "\nmaxSessionTimeout=" + c.sessionTimeoutMsMax() + "\nclientPortListenBacklog=-1\nserverId="
                + c.serverId() + "\n";
    }

    private static final List<String> ENVIRONMENT_PROPERTIES = List.of("java.version", "java.vendor", "java.home",
            "java.class.path", "java.library.path", "java.io.tmpdir", "java.compiler", "os.name", "os.arch",
            "os.version", "user.name", "user.home", "user.dir");
    private static final long BYTES_PER_MB = 1024 * 1024;

    /** ZooKeeper's Environment.list: version, host name, JVM and OS properties, memory in MB. */
    private static String envi() {
        StringBuilder sb = new StringBuilder("Environment:\nzookeeper.version=").append(VERSION).append('\n');
        sb.append("host.name=").append(hostName()).append('\n');
        for (String key : ENVIRONMENT_PROPERTIES) {
            sb.append(key).append('=').append(System.getProperty(key, "<NA>")).append('\n');
        }
        Runtime rt = Runtime.getRuntime();
        sb.append("os.memory.free=").append(rt.freeMemory() / BYTES_PER_MB).append("MB\n")
                .append("os.memory.max=").append(rt.maxMemory() / BYTES_PER_MB).append("MB\n")
                .append("os.memory.total=").append(rt.totalMemory() / BYTES_PER_MB).append("MB\n");
        return sb.toString();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (java.io.IOException e) {
            return "<NA>";
        }
    }

    private String wchs() {
        Map<String, TreeSet<Long>> byPath = server.watches().sessionsByPath();
        TreeSet<Long> sessions = new TreeSet<>();
        byPath.values().forEach(sessions::addAll);
        return sessions.size() + " connections watching " + byPath.size() + " paths\nTotal watches:"
                + server.watches().watchCount() + "\n";
    }

    private String wchp() {
        StringBuilder sb = new StringBuilder();
        server.watches().sessionsByPath().forEach((path, ids) -> {
            sb.append(path).append('\n');
            ids.forEach(id -> sb.append("\t0x").append(Long.toHexString(id)).append('\n'));
        });
        return sb.append('\n').toString();
    }

    private String wchc() {
        Map<Long, TreeSet<String>> bySession = new java.util.TreeMap<>();
        server.watches().sessionsByPath().forEach((path, ids) ->
                ids.forEach(id -> bySession.computeIfAbsent(id, k -> new TreeSet<>()).add(path)));
        StringBuilder sb = new StringBuilder();
        bySession.forEach((id, paths) -> {
            sb.append("0x").append(Long.toHexString(id)).append('\n');
            paths.forEach(p -> sb.append('\t').append(p).append('\n'));
        });
        return sb.append('\n').toString();
    }

    /** A standalone ZooKeeper's dump: sessions by expiry time, ephemerals by session, connections. */
    private String dump() {
        StringBuilder sb = new StringBuilder("SessionTracker dump:\n");
        Map<Long, List<Long>> byExpiry = server.sessions().idsByExpiryMs(server.config().tickTimeMs());
        sb.append("Session Sets (").append(byExpiry.size()).append(")/(").append(server.sessions().size()).append("):\n");
        byExpiry.forEach((expiryMs, ids) -> {
            sb.append(ids.size()).append(" expire at ").append(new java.util.Date(expiryMs)).append(":\n");
            ids.forEach(id -> sb.append("\t0x").append(Long.toHexString(id)).append('\n'));
        });
        sb.append("ephemeral nodes dump:\n");
        StringBuilder body = new StringBuilder();
        int withEphemerals = 0;
        for (Long id : engine.leaseIds()) {
            Lease l = engine.lease(id);
            if (l == null || l.kind() != Lease.Kind.SESSION || l.keyCount() == 0) {
                continue;
            }
            withEphemerals++;
            body.append("0x").append(Long.toHexString(id)).append(":\n");
            engine.zkEphemerals(id, "/").stream().sorted().forEach(p -> body.append('\t').append(p).append('\n'));
        }
        sb.append("Sessions with Ephemerals (").append(withEphemerals).append("):\n").append(body);
        return sb.append(connectionsDump()).toString();
    }

    private String connectionsDump() {
        List<ZkConnection> all = server.connections();
        StringBuilder sb = new StringBuilder("Connections dump:\nConnections Sets (1)/(").append(all.size()).append("):\n");
        long expiryMs = System.currentTimeMillis() + server.config().sessionTimeoutMsMax();
        sb.append(all.size()).append(" expire at ").append(new java.util.Date(expiryMs)).append(":\n");
        for (ZkConnection c : all) {
            sb.append("\tip: ").append(c.channel().remoteAddress()).append(" sessionId: 0x")
                    .append(Long.toHexString(c.sessionId())).append('\n');
        }
        return sb.toString();
    }
}
