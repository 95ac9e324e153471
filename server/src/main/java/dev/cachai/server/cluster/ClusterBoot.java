package dev.cachai.server.cluster;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.Membership;
import dev.cachai.consensus.PaxosConfig;
import dev.cachai.consensus.SnapshotMarker;
import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.PersistentState;
import dev.cachai.consensus.wal.Wal;
import dev.cachai.consensus.wal.WalState;
import dev.cachai.engine.Engine;
import dev.cachai.engine.EngineLimits;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.ServerConfig;
import dev.cachai.server.driver.DriverObserver;
import dev.cachai.server.storage.DataDir;
import dev.cachai.server.transport.PeerTraffic;
import dev.cachai.server.transport.PeerTransport;
import dev.cachai.server.transport.TransportLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts a node in cluster mode: the engine from its newest snapshot, the consensus state from
 * the Paxos log (entries after the snapshot are re-applied by the loop as committed entries),
 * the peer transport, and the driver loop.
 */
public final class ClusterBoot {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBoot.class);
    /** Etcd's request limit (1.5 MiB) plus the command encoding and entry header. */
    static final int ENTRY_BYTES_MAX = 2 << 20;
    /** One Accept may carry this many bytes of entries (one entry may reach it alone). */
    static final int ACCEPT_BYTES_MAX = ENTRY_BYTES_MAX;
    static final int SNAPSHOT_CHUNK_BYTES_MAX = 1 << 20;

    private ClusterBoot() {}

    public static ClusterDriver start(ServerConfig config, DataDir dataDir, ClusterLimits limits,
                                      TransportLimits transportLimits, Consumer<Engine> engineReplaced) {
        return start(config, dataDir, limits, transportLimits, engineReplaced, DriverObserver.NONE, PeerTraffic.NONE);
    }

    /** As above, reporting to {@code observer} (metrics, health) and counting peer bytes in {@code traffic}. */
    public static ClusterDriver start(ServerConfig config, DataDir dataDir, ClusterLimits limits,
                                      TransportLimits transportLimits, Consumer<Engine> engineReplaced,
                                      DriverObserver observer, PeerTraffic traffic) {
        List<ClusterMember> members = config.initialCluster().members();
        ClusterMember self = config.initialCluster().self(config.name());
        refuseSingleNodeData(dataDir);
        EngineSnapshot.Restored restored = dataDir.loadNewestSnapshot(EngineLimits.DEFAULTS);
        Wal wal = openWal(dataDir);
        try {
            WalState walState = wal.recovered();
            if (walState.entries().isEmpty() && walState.snapshot().isEmpty() && config.initialCluster().existing()) {
                LOG.warn("joining an existing cluster with an empty log: the leader will send a snapshot or the log");
            }
            PaxosConfig paxosConfig = paxosConfig(self.id(), members, limits);
            PersistentState persistent = restartState(walState, restored.appliedIndex(), paxosConfig);
            SnapshotFiles snapshots = new SnapshotFiles(dataDir);
            PaxosNode paxos = new PaxosNode(paxosConfig, persistent,
                    new SplittableRandom(System.nanoTime() ^ self.id()), snapshots);
            ClusterDriver driver = new ClusterDriver(self.id(), members, paxos, wal, dataDir, restored.engine(),
                    restored.appliedIndex(), limits, engineReplaced, observer);
            PeerTransport transport = new PeerTransport(self.id(), config.initialCluster().clusterId(), config.peerListen(),
                    peersOf(self, members),
                    transportLimits, driver::deliver, traffic);
            transport.start();
            driver.start(transport);
            LOG.info("node '{}' (id {}) joined cluster {} at log index {} (commit {}), peer port {}", self.name(),
                    self.id(), members.stream().map(ClusterMember::name).collect(Collectors.joining(",")),
                    restored.appliedIndex(), persistent.hardState().commitIndex(), transport.port());
            return driver;
        } catch (RuntimeException e) {
            closeQuietly(wal);
            throw e;
        }
    }

    /**
     * A snapshot received from the leader is made durable before the log records it, so a crash
     * in between leaves a snapshot the log does not know. Its state is chosen (the leader only
     * sends committed state), so the log is read as if its marker had been written too.
     */
    static PersistentState restartState(WalState wal, long snapshotIndex, PaxosConfig config) {
        long walSnapshotIndex = wal.snapshot().map(SnapshotMarker::index).orElse(0L);
        if (walSnapshotIndex > snapshotIndex) {
            throw new IllegalStateException("the consensus log was compacted through " + walSnapshotIndex
                    + " but the newest readable snapshot covers only " + snapshotIndex + "; restore a snapshot");
        }
        if (snapshotIndex <= Math.max(wal.hardState().commitIndex(), walSnapshotIndex)) {
            return wal.toPersistentState(snapshotIndex);
        }
        LOG.warn("snapshot at {} is newer than the consensus log; treating it as installed", snapshotIndex);
        Membership membership = wal.snapshot().map(SnapshotMarker::membership)
                .orElse(Membership.ofVoters(config.initialVoters()));
        HardState hardState = new HardState(wal.hardState().promised(), snapshotIndex);
        List<Entry> above = wal.entries().stream().filter(e -> e.index() > snapshotIndex).toList();
        return new PersistentState(hardState, above, Optional.of(new SnapshotMarker(snapshotIndex, membership)),
                snapshotIndex);
    }

    static PaxosConfig paxosConfig(int selfId, List<ClusterMember> members, ClusterLimits limits) {
        PaxosConfig d = PaxosConfig.defaults(selfId, members.stream().map(ClusterMember::id).collect(Collectors.toSet()));
        return new PaxosConfig(selfId, d.initialVoters(), limits.electionTicks(), 1, d.entriesPerAcceptMax(),
                ACCEPT_BYTES_MAX, d.acceptsInflightMax(), d.proposalsUncommittedMax(), ENTRY_BYTES_MAX,
                d.readsPendingMax(), SNAPSHOT_CHUNK_BYTES_MAX, d.snapshotBytesMax(), d.learnerLagEntriesMax(),
                true, true);
    }

    private static Map<Integer, HostPort> peersOf(ClusterMember self, List<ClusterMember> members) {
        Map<Integer, HostPort> peers = new HashMap<>();
        for (ClusterMember m : members) {
            if (m.id() != self.id()) {
                peers.put(m.id(), m.peer());
            }
        }
        return peers;
    }

    /** The single-node log's indexes mean nothing to consensus: never mix the two in one data dir. */
    private static void refuseSingleNodeData(DataDir dataDir) {
        try (Stream<java.nio.file.Path> files = Files.list(dataDir.walDir())) {
            if (files.findAny().isPresent()) {
                throw new IllegalStateException("data dir " + dataDir.walDir().getParent()
                        + " holds a single-node log; start cluster members on fresh data dirs");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Wal openWal(DataDir dataDir) {
        try {
            return Wal.open(dataDir.paxosDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the consensus log in " + dataDir.paxosDir(), e);
        }
    }

    private static void closeQuietly(Wal wal) {
        try {
            wal.close();
        } catch (IOException e) {
            LOG.warn("cannot close the consensus log", e);
        }
    }
}
