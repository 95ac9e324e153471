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
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;
import dev.cachai.server.driver.DriverObserver;
import dev.cachai.server.storage.DataDir;
import dev.cachai.server.tls.ClientTlsSetup;
import dev.cachai.server.transport.PeerFrame;
import dev.cachai.server.transport.PeerTraffic;
import dev.cachai.server.transport.PeerTransport;
import dev.cachai.server.transport.TransportLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
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

    /** Starts this node's driver, reporting to {@code observer} (metrics, health) and counting peer bytes in {@code traffic}. */
    public static ClusterDriver start(ServerConfig config, DataDir dataDir, ClusterLimits limits,
                                      TransportLimits transportLimits, Consumer<Engine> engineReplaced,
                                      DriverObserver observer, PeerTraffic traffic) {
        InitialCluster cluster = effectiveCluster(config);
        ClusterMember self = cluster.self(config.name());
        refuseSingleNodeData(dataDir);
        EngineSnapshot.Restored restored = dataDir.loadNewestSnapshot(EngineLimits.DEFAULTS);
        Wal wal = openWal(dataDir);
        ConsensusLoop loop = new ConsensusLoop();
        try {
            WalState walState = wal.recovered();
            Optional<NodeIdentity> identity = NodeIdentity.read(dataDir);
            boolean blank = walState.entries().isEmpty() && walState.snapshot().isEmpty() && restored.appliedIndex() == 0;
            if (identity.isEmpty() && blank && cluster.existing()) {
                return join(config, cluster, dataDir, wal, restored, limits, transportLimits, engineReplaced,
                        observer, traffic, loop);
            }
            NodeIdentity id = identity.orElseGet(() -> new NodeIdentity(self.id(), cluster.clusterId()));
            PaxosConfig paxosConfig = paxosConfig(id.nodeId(), cluster.members(), limits);
            PersistentState persistent = restartState(walState, restored.appliedIndex(), paxosConfig);
            PaxosNode paxos = new PaxosNode(paxosConfig, persistent,
                    new SplittableRandom(System.nanoTime() ^ id.nodeId()), new SnapshotFiles(dataDir));
            if (identity.isEmpty()) {
                refuseIfNotAMember(config, id, paxos.membership().members(), dataDir);
                id.write(dataDir);
            }
            ClusterDriver driver = new ClusterDriver(id.nodeId(), cluster.members(), paxos, wal, dataDir,
                    restored.engine(), restored.appliedIndex(), limits, config.autoCompaction(), engineReplaced,
                    observer, loop);
            PeerTransport transport = new PeerTransport(id.nodeId(), id.clusterId(), config.peerListen(),
                    advertisedPeer(self, config), Map.of(), transportLimits, driver::deliver, hello -> { }, traffic,
                    ClientTlsSetup.peer(config.peerTls()), loop.peerLoops());
            startDriver(driver, transport);
            LOG.info("node '{}' (id {}) of cluster {} started at log index {} (commit {}), members {}, peer port {}",
                    self.name(), id.nodeId(), id.clusterId(), restored.appliedIndex(),
                    persistent.hardState().commitIndex(), paxos.membership().members(), transport.port());
            return driver;
        } catch (RuntimeException e) {
            loop.close();
            closeQuietly(wal);
            throw e;
        }
    }

    /**
     * A data dir made for other members (an offline bootstrap written for other names, or a copy
     * of another member's dir) records a membership without this node: started anyway, it would
     * wait for ever for a leader that never counts it. Refused at once instead.
     */
    static void refuseIfNotAMember(ServerConfig config, NodeIdentity id, Set<Integer> members,
                                   DataDir dataDir) {
        if (!members.contains(id.nodeId())) {
            throw new IllegalStateException("data dir " + dataDir.root() + " records the members " + members
                    + ", and this node ('" + config.name() + "', id " + id.nodeId() + ") is not one of them: start it"
                    + " with the --name and --initial-cluster the data dir was made for");
        }
    }

    /** Without {@code --initial-cluster} a node is a cluster of one, named by {@code --name}, that may grow later. */
    public static InitialCluster effectiveCluster(ServerConfig config) {
        if (config.clustered()) {
            return config.initialCluster();
        }
        HostPort peer = config.peerListen();
        return new InitialCluster(List.of(new ClusterMember(config.name(), InitialCluster.nodeIdOf(config.name()), peer)),
                false);
    }

    /** Where peers dial us: our entry in the member list, unless it asks for a free port. */
    private static HostPort advertisedPeer(ClusterMember self, ServerConfig config) {
        return self.peer().port() == 0 ? null : self.peer();
    }

    private static void startDriver(ClusterDriver driver, PeerTransport transport) {
        try {
            transport.start();
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
        driver.start(transport);
    }

    /**
     * A node added to a running cluster (etcd's {@code --initial-cluster-state existing} on an
     * empty data dir): it does not bootstrap anything. It listens until a member dials it, takes
     * the id and cluster that member names, then receives the log or a snapshot like any lagging
     * follower; it returns once it has applied its own addition.
     */
    private static ClusterDriver join(ServerConfig config, InitialCluster cluster, DataDir dataDir, Wal wal,
                                      EngineSnapshot.Restored restored, ClusterLimits limits,
                                      TransportLimits transportLimits, Consumer<Engine> engineReplaced,
                                      DriverObserver observer, PeerTraffic traffic, ConsensusLoop loop) {
        ClusterMember self = cluster.self(config.name());
        CompletableFuture<PeerFrame.Hello> dialedBy = new CompletableFuture<>();
        AtomicReference<ClusterDriver> driverRef = new AtomicReference<>();
        PeerTransport transport = PeerTransport.joining(config.peerListen(), advertisedPeer(self, config),
                transportLimits, (from, frame) -> {
                    ClusterDriver d = driverRef.get();
                    if (d != null) {
                        d.deliver(from, frame);
                    }
                }, dialedBy::complete, traffic, ClientTlsSetup.peer(config.peerTls()), loop.peerLoops());
        transport.start();
        ClusterDriver driver = null;
        try {
            LOG.info("node '{}' waits to be dialed by a member of the cluster it was added to (peer port {})",
                    self.name(), transport.port());
            PeerFrame.Hello hello = await(dialedBy, "no member of the cluster dialed this node; add it first "
                    + "(etcdctl member add, or ZooKeeper reconfig) with this node's peer URL");
            NodeIdentity id = new NodeIdentity(hello.toId(), hello.clusterId());
            id.write(dataDir);
            List<ClusterMember> known = new ArrayList<>(cluster.members());
            if (known.stream().noneMatch(m -> m.id() == hello.nodeId())) {
                known.add(new ClusterMember(hello.peerAddress(), hello.nodeId(), HostPort.parse(hello.peerAddress())));
            }
            // Until the log or a snapshot says otherwise, the member that dialed is all we know of the cluster.
            PaxosConfig paxosConfig = paxosConfig(id.nodeId(), java.util.Set.of(hello.nodeId()), limits);
            PaxosNode paxos = new PaxosNode(paxosConfig, PersistentState.EMPTY,
                    new SplittableRandom(System.nanoTime() ^ id.nodeId()), new SnapshotFiles(dataDir));
            driver = new ClusterDriver(id.nodeId(), known, paxos, wal, dataDir, restored.engine(), 0, limits,
                    config.autoCompaction(), engineReplaced, observer, loop);
            driverRef.set(driver);
            driver.start(transport);
            ClusterDriver joined = driver;
            await(joined.addedToMembership(), "this node did not catch up with the cluster in time");
            LOG.info("node '{}' joined cluster {} as member {}", self.name(), id.clusterId(), id.nodeId());
            return driver;
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            } else {
                transport.close();
            }
            throw e;
        }
    }

    /** How long a joining node waits to be dialed, then to apply its own addition. */
    static final long JOIN_WAIT_MS_MAX = 120_000;

    private static <T> T await(CompletableFuture<T> future, String failure) {
        try {
            return future.get(JOIN_WAIT_MS_MAX, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(failure + " (waited " + JOIN_WAIT_MS_MAX / 1000 + " s)", e);
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
        for (Entry e : wal.entries()) {
            if (e.index() <= snapshotIndex && e.kind() == dev.cachai.consensus.EntryKind.MEMBERSHIP) {
                membership = Membership.decode(e.data());
            }
        }
        HardState hardState = new HardState(wal.hardState().promised(), snapshotIndex);
        List<Entry> above = wal.entries().stream().filter(e -> e.index() > snapshotIndex).toList();
        return new PersistentState(hardState, above, Optional.of(new SnapshotMarker(snapshotIndex, membership)),
                snapshotIndex);
    }

    static PaxosConfig paxosConfig(int selfId, List<ClusterMember> members, ClusterLimits limits) {
        return paxosConfig(selfId, members.stream().map(ClusterMember::id).collect(Collectors.toSet()), limits);
    }

    static PaxosConfig paxosConfig(int selfId, java.util.Set<Integer> initialVoters, ClusterLimits limits) {
        PaxosConfig d = PaxosConfig.defaults(selfId, initialVoters);
        return new PaxosConfig(selfId, d.initialVoters(), limits.electionTicks(), 1, d.entriesPerAcceptMax(),
                ACCEPT_BYTES_MAX, d.acceptsInflightMax(), d.proposalsUncommittedMax(), ENTRY_BYTES_MAX,
                d.readsPendingMax(), SNAPSHOT_CHUNK_BYTES_MAX, d.snapshotBytesMax(), d.learnerLagEntriesMax(),
                true, true);
    }

    /**
     * Before every node ran on consensus, a single node kept its own command log in {@code wal/};
     * its indexes mean nothing to consensus, so such a data dir is refused rather than misread.
     */
    private static void refuseSingleNodeData(DataDir dataDir) {
        if (!Files.isDirectory(dataDir.walDir())) {
            return;
        }
        try (Stream<java.nio.file.Path> files = Files.list(dataDir.walDir())) {
            if (files.findAny().isPresent()) {
                throw new IllegalStateException("data dir " + dataDir.walDir().getParent()
                        + " holds a single-node log (wal/) of an older Cachai, which ran a single node without"
                        + " consensus; this version cannot read it: start on a fresh data dir (to keep the data, run"
                        + " the older version and copy it over with the migration tool)");
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
