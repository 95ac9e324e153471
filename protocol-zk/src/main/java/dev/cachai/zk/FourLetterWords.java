package dev.cachai.zk;

import dev.cachai.engine.ClusterInfo;
import dev.cachai.engine.Engine;
import dev.cachai.engine.NodeHealth;
import dev.cachai.engine.StorageFiles;
import dev.cachai.engine.lease.Lease;
import dev.cachai.zk.admin.ServerStats;
import dev.cachai.zk.admin.ZkMetrics;
import dev.cachai.zk.codec.FourLetterWord;
import dev.cachai.zk.codec.ZkFrameDecoder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The four-letter admin words, answered in ZooKeeper's text formats. Also the source of the
 * ZooKeeper gauges, which report the same figures as mntr.
 */
final class FourLetterWords implements ZkMetrics.Source {
    static final String VERSION = "3.9.5-cachai, built on 2026-01-01 00:00 UTC";
    /** ZooKeeper's default trace mask (client requests, server packets, sessions, warnings), which gtmk prints. */
    private static final long TRACE_MASK_DEFAULT = 306;
    /** The words answered in the switches below; others are "not a known command". */
    private static final Set<String> KNOWN_WORDS = ZkFrameDecoder.KNOWN_WORDS;
    /** What ZooKeeper prints for words that need a running server while it has no quorum. */
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";
    private final long startedMs = System.currentTimeMillis();
    private final AtomicLong traceMask = new AtomicLong(TRACE_MASK_DEFAULT);

    private final ZkServer server;
    private final Engine engine;

    FourLetterWords(ZkServer server) {
        this.server = server;
        this.engine = server.gateway().engine();
    }

    String answer(FourLetterWord request) {
        String word = request.word();
        if (!server.config().fourLetterWordAllowed(word)) {
            return word + " is not executed because it is not in the whitelist.\n";
        }
        return switch (word) {
            // ZooKeeper answers imok while the process runs, quorum or not; a stopped node stays silent.
            case "ruok" -> health().live() ? "imok" : "";
            case "isro" -> health().serving() ? "rw" : "null";
            case "envi" -> envi();
            case "gtmk" -> Long.toString(traceMask.get());
            // A bare stmk is dropped unanswered, as ZooKeeper's read of its mask fails.
            case "stmk" -> request.traceMask().isPresent() ? setTraceMask(request.traceMask().getAsLong()) : "";
            // No tree digests are kept: hash answers as a ZooKeeper with digests off (not serving: no newline).
            case "hash" -> health().serving() ? "" : NOT_SERVING.strip();
            // The rest need a serving node, as they need a running ZooKeeperServer.
            default -> KNOWN_WORDS.contains(word) ? (health().serving() ? served(word) : NOT_SERVING)
                    : word + " is not a known command.\n";
        };
    }

    /** The words that need a serving node. */
    private String served(String word) {
        return switch (word) {
            case "srvr" -> srvr(false);
            case "stat" -> srvr(true);
            case "mntr" -> mntr();
            case "conf" -> conf();
            case "cons" -> cons() + "\n";
            case "wchs" -> wchs();
            case "wchc" -> wchc();
            case "wchp" -> wchp();
            case "dump" -> dump();
            case "crst" -> {
                server.connections().forEach(ZkConnection::resetStats);
                yield "Connection stats reset.\n";
            }
            case "srst" -> {
                server.stats().reset();
                yield "Server stats reset.\n";
            }
            case "dirs" -> "datadir_size: " + storage().snapshotBytes() + "\nlogdir_size: " + storage().logBytes() + "\n";
            default -> throw new IllegalArgumentException("not a four-letter word: " + word);
        };
    }

    /** ZooKeeper keeps the mask for its trace log and echoes it; Cachai keeps it for gtmk and writes no trace log. */
    private String setTraceMask(long mask) {
        traceMask.set(mask);
        return Long.toString(mask);
    }

    private StorageFiles storage() {
        return server.gateway().storage();
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
        List<Object[]> rows = new ArrayList<>(List.of(
            new Object[] {"zk_version", VERSION},
            new Object[] {"zk_server_state", mode()},
            new Object[] {"zk_avg_latency", avg(server.stats())},
            new Object[] {"zk_max_latency", server.stats().maxLatencyMs()},
            new Object[] {"zk_min_latency", server.stats().minLatencyMs()},
            new Object[] {"zk_packets_received", packetsReceived()},
            new Object[] {"zk_packets_sent", packetsSent()},
            new Object[] {"zk_num_alive_connections", aliveConnections()},
            new Object[] {"zk_global_sessions", globalSessions()},
            new Object[] {"zk_local_sessions", 0},
            new Object[] {"zk_uptime", uptimeMs()},
            new Object[] {"zk_outstanding_requests", outstandingRequests()},
            new Object[] {"zk_znode_count", znodeCount()},
            new Object[] {"zk_watch_count", watchCount()},
            new Object[] {"zk_ephemerals_count", ephemeralsCount()},
            new Object[] {"zk_approximate_data_size", approximateDataSize()},
            new Object[] {"zk_open_file_descriptor_count", openFileDescriptors()},
            new Object[] {"zk_max_file_descriptor_count", maxFileDescriptors()}));
        server.gateway().cluster().filter(c -> c.members().size() >= 2).ifPresent(c -> addEnsembleRows(c, rows));
        StringBuilder sb = new StringBuilder();
        for (Object[] row : rows) {
            sb.append(row[0]).append('\t').append(row[1]).append('\n');
        }
        return sb.toString();
    }

    /**
     * What a ZooKeeper ensemble member adds: its peer state after its server state (always in the
     * broadcast phase, as only a serving member answers mntr), the voters' count, and on the leader
     * its learners (followers and observers it hears), those synced, and how long it has led.
     */
    private static void addEnsembleRows(ClusterInfo cluster, List<Object[]> rows) {
        Set<Long> observers = new HashSet<>();
        for (ClusterInfo.Member m : cluster.members()) {
            if (m.learner()) {
                observers.add(m.id());
            }
        }
        String role = cluster.isLeader() ? "leading" : observers.contains(cluster.localId()) ? "observing" : "following";
        rows.add(2, new Object[] {"zk_peer_state", role + " - broadcast"});
        rows.add(new Object[] {"zk_quorum_size", cluster.members().size() - observers.size()});
        cluster.leading().ifPresent(l -> {
            long syncedObservers = l.synced().stream().filter(observers::contains).count();
            rows.add(new Object[] {"zk_learners", l.connected().size()});
            rows.add(new Object[] {"zk_synced_followers", l.synced().size() - syncedObservers});
            rows.add(new Object[] {"zk_synced_observers", syncedObservers});
            rows.add(new Object[] {"zk_leader_uptime", Math.max(0, System.currentTimeMillis() - l.sinceMs())});
        });
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

    /** ZooKeeper's dumpConf: the client ports, the snapshot and log directories with their sizes, the limits. */
    private String conf() {
        ZkServerConfig c = server.config();
        StorageFiles files = storage();
        return "clientPort=" + server.port() + "\nsecureClientPort=" + server.securePort()
                + "\ndataDir=" + files.snapshotDir() + "\ndataDirSize=" + files.snapshotBytes()
                + "\ndataLogDir=" + files.logDir() + "\ndataLogSize=" + files.logBytes()
                + "\ntickTime=" + c.tickTimeMs()
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
