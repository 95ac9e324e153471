package dev.cachai.server.cluster;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.ReadState;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.Role;
import dev.cachai.consensus.Snapshot;
import dev.cachai.consensus.SubmitResult;
import dev.cachai.consensus.message.Message;
import dev.cachai.consensus.wal.Wal;
import dev.cachai.engine.ClusterInfo;
import dev.cachai.engine.Engine;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.StorageFiles;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Result;
import dev.cachai.server.config.AutoCompaction;
import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.driver.Driver;
import dev.cachai.server.driver.DriverObserver;
import dev.cachai.server.driver.LeaderDuties;
import dev.cachai.server.driver.LeaseTimers;
import dev.cachai.server.storage.DataDir;
import dev.cachai.server.transport.PeerFrame;
import dev.cachai.server.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The clustered path from proposal to apply. One loop thread ({@link ConsensusLoop}, which also
 * reads the peer connections) owns the Paxos node: it takes client requests and peer frames from a
 * bounded queue, ticks the node, and carries out each {@link Ready} in the order its contract
 * demands (a leader's Accepts out, persist and fsync when needed, the rest out, install, apply,
 * serve reads). Followers forward proposals to the leader; whichever node took the client's
 * request completes its future when it applies the entry that carries its origin id.
 */
public final class ClusterDriver implements Driver, ClusterView {
    private final ClusterInfoBridge clusterInfo = new ClusterInfoBridge(this);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDriver.class);
    /** How long a stopping leader waits for a follower to take over before it just stops. */
    private static final long HANDOVER_WAIT_MS_MAX = 2_000;
    /** A log sync slower than this is logged, as etcd logs a "slow fdatasync" past one second. */
    static final long SLOW_FSYNC_NANOS = 1_000_000_000L;
    /** Ticks between two lines about timed-out requests (one second at the default tick). */
    private static final long TIMEOUT_LOG_TICKS = 20;
    /** How long stopping waits for a snapshot being written, then for the loop's last round. */
    private static final long SNAPSHOT_WRITE_WAIT_MS_MAX = 30_000;
    private static final long LOOP_STOP_WAIT_MS_MAX = 5_000;
    /** Renewals a follower holds for the leader: a few ticks' worth, in case the leader is briefly unknown. */
    private static final int RENEWAL_FRAMES_QUEUED_MAX = 4;

    /** Something for the loop thread to do; {@link #abandon} runs instead when the loop has stopped. */
    private interface LoopEvent {
        void run();

        default void abandon() {}
    }

    private final int selfId;
    private final MembershipChanges memberChanges;
    private final PaxosNode paxos;
    private final Wal wal;
    private final DataDir dataDir;
    private final ClusterLimits limits;
    /** etcd's --auto-compaction-mode/-retention, which the leader follows on top of its memory guard. */
    private final AutoCompaction autoCompaction;
    private final LeaseTimers timers;
    private final ClusterLeases leases;
    private final Consumer<Engine> engineReplaced;
    /** Metrics and health: told of leadership, progress, applied commands and disk timings. */
    private final DriverObserver observer;
    private final ArrayBlockingQueue<LoopEvent> events;
    private final OriginProposals proposals = new OriginProposals();
    private final ReadBarriers reads;
    private final LogSyncs syncs;
    /** Starts from the clock so an entry of an earlier incarnation never completes a new request. */
    private final AtomicLong nextSeq = new AtomicLong(System.currentTimeMillis() << 20);
    private final ConsensusLoop loop;
    /** A round is queued on the loop and has not begun: offering more events need not queue another. */
    private final AtomicBoolean roundQueued = new AtomicBoolean();
    /** Set once the loop has stopped and failed what waited (loop thread only). */
    private boolean finished;
    private final CompletableFuture<Void> loopStopped = new CompletableFuture<>();
    private ScheduledFuture<?> ticks;
    /** The events of the round in progress not yet run (loop thread only). */
    private final ArrayDeque<LoopEvent> batch = new ArrayDeque<>();
    private final ScheduledExecutorService housekeeping;
    private PeerTransport transport;
    private volatile Engine engine;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile int leaderId;
    private boolean wasLeader;
    /** When this node last became leader (epoch ms), for the leader's ZooKeeper uptime. */
    private long leaderSinceMs;
    /** The commit index at the previous tick: a peer holding it counts as synced. */
    private long commitIndexLastTick;
    /** The leader's view of its peers, published every tick for other threads; null unless leading. */
    private volatile ClusterInfo.Leading leading;
    /** A stopping leader hands over: new proposals wait for the next leader instead of failing. */
    private boolean handingOver;
    /** Completed when this node stops leading (set by a stopping leader waiting to hand over). */
    private volatile CompletableFuture<Void> leadershipLost = new CompletableFuture<>();
    /** Completed the first time this node knows a leader. */
    private final CompletableFuture<Void> firstLeaderKnown = new CompletableFuture<>();
    private long tickCount;
    private int requestsTimedOutUnlogged;
    private long timeoutLoggedAtTick = -TIMEOUT_LOG_TICKS;
    private long appliedIndex;
    private final SnapshotSchedule snapshots;
    private volatile boolean snapshotInProgress;

    ClusterDriver(int selfId, List<ClusterMember> members, PaxosNode paxos, Wal wal, DataDir dataDir, Engine engine,
                  long appliedIndex, ClusterLimits limits, AutoCompaction autoCompaction, Consumer<Engine> engineReplaced,
                  DriverObserver observer, ConsensusLoop loop) {
        this.loop = loop;
        this.observer = observer;
        this.selfId = selfId;
        this.paxos = paxos;
        this.wal = wal;
        this.dataDir = dataDir;
        this.engine = engine;
        this.appliedIndex = appliedIndex;
        this.snapshots = new SnapshotSchedule(limits.snapshotEveryEntries(), appliedIndex, versions(engine),
                new SplittableRandom(System.nanoTime() ^ selfId));
        this.limits = limits;
        this.autoCompaction = autoCompaction;
        this.engineReplaced = engineReplaced;
        this.memberChanges = new MembershipChanges(selfId, members, paxos, limits, nextSeq, this::stopRemoved);
        this.events = new ArrayBlockingQueue<>(limits.eventsQueuedMax());
        this.reads = new ReadBarriers(limits.readRetryTicks());
        // The sync's end is an event, so a serial client's rounds stay rounds of one event.
        this.syncs = new LogSyncs(wal::sync, () -> offer(() -> { }), (ready, nanos) -> {
            observer.logSynced(nanos);
            warnIfSlow(nanos);
            afterPersist(ready);
        });
        this.timers = new LeaseTimers(() -> this.engine, System::currentTimeMillis);
        this.timers.restartAll();
        this.leases = new ClusterLeases(timers, this::isLeader, limits.keepAlivesPerFrameMax() * RENEWAL_FRAMES_QUEUED_MAX);
        loop.waits().follow(() -> this.engine.wideFanOuts());
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cachai-cluster-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the loop once the transport exists (the transport delivers into this driver). */
    void start(PeerTransport peerTransport) {
        this.transport = peerTransport;
        memberChanges.start(peerTransport);
        if (alone()) {
            // Alone, there is no one to wait for: lead at once rather than after an election timeout.
            offer(paxos::campaign);
        }
        long tickMs = limits.tickMs();
        ticks = loop.loop().scheduleAtFixedRate(this::tickRound, tickMs, tickMs, TimeUnit.MILLISECONDS);
        wake();
        new LeaderDuties(timers, this::engine, this::isLeader, this::propose, System::currentTimeMillis,
                limits.reapBatchMax(), limits.historyRetainedRevisions(), autoCompaction,
                limits.revisionCompactionCheckMs())
                .schedule(housekeeping, limits.leaseCheckIntervalMs(), limits.reapIntervalMs());
    }

    // ---------------------------------------------------------------- CommandGateway

    @Override
    public CompletableFuture<Result> propose(Command command) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        long seq = nextSeq.incrementAndGet();
        byte[] payload = EntryPayload.encode(selfId, seq, command);
        enqueue(f, new LoopEvent() {
            @Override
            public void run() {
                if (admit(f)) {
                    proposals.add(seq, f, System.currentTimeMillis() + limits.requestTimeoutMs(), payload, command);
                    submit(seq, payload);
                }
            }

            @Override
            public void abandon() {
                f.completeExceptionally(new GatewayException(stoppedError()));
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<Long> readBarrier() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long seq = nextSeq.incrementAndGet();
        enqueue(f, new LoopEvent() {
            @Override
            public void run() {
                if (admit(f)) {
                    reads.add(paxos, seq, f, System.currentTimeMillis() + limits.requestTimeoutMs(), tickCount);
                }
            }

            @Override
            public void abandon() {
                f.completeExceptionally(new GatewayException(stoppedError()));
            }
        });
        return f;
    }

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public LeaseKeeper leases() {
        return leases;
    }

    private void enqueue(CompletableFuture<?> f, LoopEvent event) {
        if (!running) {
            f.completeExceptionally(new GatewayException(stoppedError()));
        } else if (!offer(event)) {
            f.completeExceptionally(new GatewayException(EtcdError.TOO_MANY_REQUESTS));
        } else if (!running && events.remove(event)) {
            event.abandon();
        }
    }

    private boolean admit(CompletableFuture<?> f) {
        if (proposals.size() + reads.size() >= limits.requestsPendingMax()) {
            f.completeExceptionally(new GatewayException(EtcdError.TOO_MANY_REQUESTS));
            return false;
        }
        return true;
    }

    private EtcdError stoppedError() {
        return failure == null ? EtcdError.STOPPED : EtcdError.CORRUPT;
    }

    // ---------------------------------------------------------------- peer frames

    /** Called where peer frames are read (on the loop): queues the frame, or drops it when the queue is full. */
    void deliver(int from, PeerFrame frame) {
        offer(() -> onPeerFrame(from, frame));
    }

    private void onPeerFrame(int from, PeerFrame frame) {
        if (frame instanceof PeerFrame.Paxos p) {
            paxos.step(p.message());
        } else if (frame instanceof PeerFrame.Forward f) {
            onForward(from, f);
        } else if (frame instanceof PeerFrame.ForwardRefused r) {
            onForwardRefused(r);
        } else if (frame instanceof PeerFrame.KeepAlives k) {
            if (isLeader()) {
                leases.renewedElsewhere(k.leaseIds());
            }
        } else {
            memberChanges.onFrame(from, frame);
        }
    }

    private void onForward(int from, PeerFrame.Forward forward) {
        if (paxos.role() != Role.LEADER || handingOver) {
            transport.send(from, new PeerFrame.ForwardRefused(forward.seq(), true));
            return;
        }
        SubmitResult result = proposeHere(forward.payload());
        if (!(result instanceof SubmitResult.Accepted)) {
            LOG.debug("forwarded proposal from {} refused: {}", from, result);
            transport.send(from, new PeerFrame.ForwardRefused(forward.seq(), false));
        }
    }

    private void onForwardRefused(PeerFrame.ForwardRefused refused) {
        if (refused.retry()) {
            proposals.park(refused.seq());
        } else {
            proposals.fail(refused.seq(), EtcdError.TOO_MANY_REQUESTS);
        }
    }

    // ---------------------------------------------------------------- proposals and reads

    private void submit(long seq, byte[] payload) {
        if (paxos.role() == Role.LEADER && handingOver) {
            proposals.park(seq);
            return;
        }
        if (paxos.role() == Role.LEADER) {
            SubmitResult result = proposeHere(payload);
            if (!(result instanceof SubmitResult.Accepted)) {
                proposals.fail(seq, EtcdError.TOO_MANY_REQUESTS);
            }
            return;
        }
        int leader = paxos.leaderId();
        if (leader == 0 || !transport.send(leader, new PeerFrame.Forward(seq, payload))) {
            proposals.park(seq);
        }
    }

    /** The leader stamps its clock into the entry: the one time every replica applies. */
    private SubmitResult proposeHere(byte[] payload) {
        return paxos.propose(EntryPayload.stamped(payload, System.currentTimeMillis()));
    }

    /**
     * Proposals and linearizable reads that timed out are logged, at most one line per
     * {@link #TIMEOUT_LOG_TICKS}: a stable cluster should have none, and the line says where they
     * were stuck.
     */
    private void reportTimeouts(int timedOut) {
        requestsTimedOutUnlogged += timedOut;
        if (requestsTimedOutUnlogged == 0 || tickCount - timeoutLoggedAtTick < TIMEOUT_LOG_TICKS) {
            return;
        }
        LOG.warn("{} request(s) of this member's clients timed out after {} ms; leader {}, this member {}, "
                + "commit index {}, applied index {}, {} proposal(s) and {} read(s) still waiting",
                requestsTimedOutUnlogged, limits.requestTimeoutMs(), paxos.leaderId(), paxos.role(),
                paxos.commitIndex(), appliedIndex, proposals.size(), reads.size());
        requestsTimedOutUnlogged = 0;
        timeoutLoggedAtTick = tickCount;
    }

    private static void warnIfSlow(long syncNanos) {
        if (syncNanos > SLOW_FSYNC_NANOS) {
            LOG.warn("slow fdatasync: the consensus log's sync took {} ms, expected under {} ms "
                    + "(every write waits for it; check the data disk)",
                    TimeUnit.NANOSECONDS.toMillis(syncNanos), TimeUnit.NANOSECONDS.toMillis(SLOW_FSYNC_NANOS));
        }
    }

    private void resendUnsent() {
        proposals.unpark().forEach(this::submit);
    }

    // ---------------------------------------------------------------- the loop

    /** Queues an event for the loop and makes sure a round will take it; false when the queue is full. */
    private boolean offer(LoopEvent event) {
        if (!events.offer(event)) {
            return false;
        }
        wake();
        return true;
    }

    private void wake() {
        if (roundQueued.compareAndSet(false, true)) {
            try {
                loop.loop().execute(this::round);
            } catch (RejectedExecutionException stopped) {
                roundQueued.set(false); // the loop is gone; close() fails what is left
            }
        }
    }

    /**
     * One round on the loop: the events queued (up to a batch), then whatever they made ready.
     * Cleared first: an event offered from here on queues another round, which takes it unless
     * this one does (a round that finds nothing is cheap).
     */
    private void round() {
        roundQueued.set(false);
        if (finished) {
            return;
        }
        try {
            events.drainTo(batch, limits.eventsPerBatchMax());
            int taken = batch.size();
            while (!batch.isEmpty()) {
                batch.poll().run();
            }
            carryOutWhatIsDue();
            loop.waits().roundTook(taken, System.nanoTime());
            if (!events.isEmpty()) {
                wake();
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        }
        finishIfStopped();
    }

    private void tickRound() {
        if (finished) {
            return;
        }
        try {
            onTick();
            carryOutWhatIsDue();
        } catch (RuntimeException | Error e) {
            fail(e);
        }
        finishIfStopped();
    }

    /** After a round's events or a tick: a finished sync, queued membership work, then every Ready. */
    private void carryOutWhatIsDue() {
        applyChosenWhileSyncing();
        syncs.finishIfDone();
        memberChanges.pump();
        processReady();
    }

    private void fail(Throwable e) {
        failure = e;
        running = false;
        LOG.error("consensus loop stopped: the node can no longer serve", e);
    }

    /** Once stopped (closed, removed or failed): fails what waits, stops the sync thread and the ticks. */
    private void finishIfStopped() {
        if (running || finished) {
            return;
        }
        finished = true;
        if (ticks != null) {
            ticks.cancel(false);
        }
        try {
            syncs.stop();
            observer.stopped();
            stopEverything();
        } finally {
            loopStopped.complete(null);
        }
    }

    private void onTick() {
        tickCount++;
        paxos.tick();
        long now = System.currentTimeMillis();
        reportTimeouts(proposals.expire(now) + reads.expire(now));
        reads.retryDue(paxos, tickCount);
        if (proposals.anyParked() && paxos.leaderId() != 0) {
            resendUnsent();
        }
        forwardRenewals();
        memberChanges.onTick(tickCount);
        publishLeading();
        maybeSnapshot(); // also when idle: a member behind the slots dropped from memory may wait for one
    }

    /**
     * Which peers the leader hears (connected, and answering within an election timeout) and which
     * of them hold what was committed a tick ago; read by ZooKeeper's mntr.
     */
    private void publishLeading() {
        if (paxos.role() != Role.LEADER) {
            leading = null;
            return;
        }
        Set<Long> connected = new HashSet<>();
        Set<Long> synced = new HashSet<>();
        for (int id : paxos.membership().members()) {
            if (id != selfId && transport.connectedTo(id) && paxos.heardWithinElectionTimeout(id)) {
                connected.add((long) id);
                if (paxos.matchIndexOf(id) >= commitIndexLastTick) {
                    synced.add((long) id);
                }
            }
        }
        commitIndexLastTick = paxos.commitIndex();
        leading = new ClusterInfo.Leading(leaderSinceMs, connected, synced);
    }

    /** The leader's view of its peers as of the last tick; empty unless this node leads. */
    Optional<ClusterInfo.Leading> leading() {
        return Optional.ofNullable(leading);
    }

    private void forwardRenewals() {
        int leader = paxos.leaderId();
        if (leader == 0 || leader == selfId) {
            return;
        }
        long[] ids = leases.takeRenewals(limits.keepAlivesPerFrameMax());
        if (ids.length > 0) {
            transport.send(leader, new PeerFrame.KeepAlives(ids));
        }
    }

    /** Carries out Readies until none is left or one waits for its log sync. */
    private void processReady() {
        if (syncs.inFlight()) {
            return; // the next Ready follows once the log sync in flight has finished
        }
        do {
            Ready ready = paxos.ready();
            while (!ready.isEmpty()) {
                if (!carryOut(ready)) {
                    return;
                }
                ready = paxos.ready();
            }
        } while (observeLeadership());
    }

    /**
     * The order is Ready's contract: a leader's Accepts leave first, so followers write while we
     * do; everything carrying our promises or accepted slots leaves once they are durable;
     * installed before applied. A Ready that only moves the commit index costs no fsync.
     * With peers and events waiting, a Ready that needs a sync hands it to the sync thread and
     * returns false: the loop goes on taking proposals and peer frames into the node meanwhile
     * (their output waits for the next Ready), and {@link #afterPersist} runs on the loop once
     * the sync is done.
     */
    private boolean carryOut(Ready ready) {
        sendAll(ready.messagesBeforePersist());
        // Chosen entries are durable at a quorum already: their clients need not wait for this
        // node's own write. A follower's did: the leader and the other member had chosen a write
        // while this one still synced its copy (200-400 µs of a one-client write through it).
        if (ready.mayApplyBeforeSync()) {
            applyAll(ready.committedEntries());
        }
        ready.snapshotToInstall().ifPresent(s -> dataDir.writeSnapshotBytes(s.index(), s.data()));
        wal.write(ready);
        if (!ready.needsSync()) {
            afterPersist(ready);
            return true;
        }
        if (events.isEmpty() && !awaitingOwnWritesAsFollower() || alone()) {
            // Handing the sync to its thread costs two thread wake-ups on the write's path (25-60
            // µs each on two busy cores): worth it only when work is already waiting to overlap
            // the sync with. Alone, that work is only our own clients' next proposals.
            syncs.syncHere(ready);
            return true;
        }
        syncs.start(ready);
        return false;
    }

    /**
     * A follower whose clients' writes are in flight: the leader's word that they are chosen
     * may come while this node syncs its copy, and the loop, not blocked in the sync, then
     * answers them at once ({@link #applyChosenWhileSyncing}).
     */
    private boolean awaitingOwnWritesAsFollower() {
        return paxos.role() != Role.LEADER && proposals.size() > 0;
    }

    /** While a Ready's sync is in flight: applies the commands chosen since, if that Ready's came first. */
    private void applyChosenWhileSyncing() {
        if (!syncs.inFlightMayApplyBeforeSync()) {
            return;
        }
        List<Entry> chosen = paxos.takeChosenCommands();
        if (!chosen.isEmpty()) {
            applyAll(chosen);
            observer.progress(paxos.commitIndex(), appliedIndex);
        }
    }

    private void applyAll(List<Entry> entries) {
        for (Entry entry : entries) {
            apply(entry);
        }
    }

    private void afterPersist(Ready ready) {
        paxos.persisted(ready);
        ready.snapshotMarker().ifPresent(marker -> wal.truncateBefore(marker.index() + 1));
        sendAll(ready.messagesAfterPersist());
        ready.snapshotToInstall().ifPresent(this::installSnapshot);
        if (!ready.mayApplyBeforeSync()) {
            applyAll(ready.committedEntries()); // not applied in carryOut
        }
        for (ReadState read : ready.readStates()) {
            reads.release(read, engine.revision());
        }
        observer.progress(paxos.commitIndex(), appliedIndex);
        maybeSnapshot();
    }

    /** Hands frames to the peer links, which write them on their own threads. */
    private void sendAll(List<Message> messages) {
        for (Message m : messages) {
            transport.send(m.to(), new PeerFrame.Paxos(m));
        }
    }

    private void apply(Entry entry) {
        appliedIndex = entry.index();
        if (entry.kind() != EntryKind.COMMAND) {
            memberChanges.onApplied(entry);
            return;
        }
        EntryPayload.Header header = EntryPayload.header(entry.data());
        boolean ours = header.originNode() == selfId;
        Command command = ours ? proposals.command(header.originSeq()) : null;
        if (command == null) {
            command = EntryPayload.command(entry.data());
        }
        Result result = engine.apply(header.timeMs(), command);
        timers.onApplied(command, result);
        observer.applied(command, result);
        if (ours) {
            proposals.complete(header.originSeq(), result);
        }
    }

    /** Follows leadership changes; true when it handed parked proposals to a new leader (more to carry out). */
    private boolean observeLeadership() {
        boolean leading = paxos.role() == Role.LEADER;
        if (leading && !wasLeader) {
            // Followers' clocks never decided expiry: give every lease a full TTL from now, as etcd does.
            timers.restartAll();
            leaderSinceMs = System.currentTimeMillis();
            LOG.info("node {} leads (commit index {})", selfId, paxos.commitIndex());
        }
        if (wasLeader && !leading) {
            leadershipLost.complete(null);
            memberChanges.onLeadershipLost();
        }
        wasLeader = leading;
        int leader = paxos.leaderId();
        if (leader == leaderId) {
            return false;
        }
        LOG.info("node {} now follows leader {}", selfId, leader);
        if (leaderId != 0) {
            proposals.failHandedOff();
        }
        leaderId = leader;
        observer.leaderIs(leader, leader == selfId);
        if (leader != 0) {
            firstLeaderKnown.complete(null);
        }
        if (leader == 0 || !proposals.anyParked()) {
            return false;
        }
        resendUnsent();
        return true;
    }

    // ---------------------------------------------------------------- snapshots

    private void installSnapshot(Snapshot snapshot) {
        EngineSnapshot.Restored restored = EngineSnapshot.restore(dataDir.snapshotFile(snapshot.index()),
                engine.limits());
        engine = restored.engine();
        appliedIndex = snapshot.index();
        snapshots.taken(snapshot.index(), versions(engine));
        timers.restartAll();
        memberChanges.refresh();
        LOG.info("installed the leader's snapshot at log index {} (revision {})", snapshot.index(),
                restored.revision());
        engineReplaced.accept(restored.engine());
    }

    /**
     * Takes a snapshot when {@link SnapshotSchedule} says one is due, or at once when a member
     * needs one to catch up (see {@link PaxosNode#snapshotWanted}). It is pinned here and written
     * elsewhere.
     */
    private void maybeSnapshot() {
        boolean memberWaits = paxos.snapshotWanted() > snapshots.lastIndex();
        if (snapshotInProgress || !memberWaits && !snapshots.due(appliedIndex)) {
            return;
        }
        if (appliedIndex > paxos.durableChosenThrough()) {
            return; // applied ahead of this node's own log: a crash would leave the snapshot past holes
        }
        snapshotInProgress = true;
        snapshots.taken(appliedIndex, versions(engine));
        EngineSnapshot snapshot = engine.beginSnapshot(appliedIndex);
        housekeeping.execute(() -> writeSnapshot(snapshot));
    }

    /** What a snapshot of the engine writes: its live keys and the revisions it retains. */
    private static long versions(Engine engine) {
        return engine.keyCount() + engine.revision() - engine.compactRevision();
    }

    private void writeSnapshot(EngineSnapshot snapshot) {
        try (snapshot) {
            long started = System.nanoTime();
            snapshot.writeTo(dataDir.snapshotFile(snapshot.appliedIndex()));
            observer.snapshotWritten(System.nanoTime() - started);
            long index = snapshot.appliedIndex();
            offer(() -> compactLog(index));
            LOG.info("snapshot at revision {} (log index {}) written", snapshot.revision(), index);
        } catch (RuntimeException | Error e) {
            // Caught here: the executor would keep a throwable in a future nobody reads.
            LOG.error("snapshot failed; the log is kept", e);
        } finally {
            snapshotInProgress = false;
        }
    }

    private void compactLog(long snapshotIndex) {
        long compactThrough = snapshotIndex - limits.compactionLagEntries();
        if (compactThrough > paxos.snapshotIndex()) {
            paxos.compact(compactThrough);
        }
        dataDir.purgeSnapshots();
    }

    // ---------------------------------------------------------------- membership

    /** A membership change for the leader to carry out; completes with the membership after it. */
    CompletableFuture<ClusterMembers> changeMembers(MemberRequest request) {
        CompletableFuture<ClusterMembers> f = new CompletableFuture<>();
        enqueue(f, loopEvent(f, () -> memberChanges.submit(request, f)));
        return f;
    }

    /** etcd's MoveLeader: only the leader hands over, and completes once the target leads. */
    CompletableFuture<Void> moveLeader(int targetId) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        enqueue(f, loopEvent(f, () -> memberChanges.moveLeader(targetId, f)));
        return f;
    }

    private LoopEvent loopEvent(CompletableFuture<?> f, Runnable action) {
        return new LoopEvent() {
            @Override
            public void run() {
                action.run();
            }

            @Override
            public void abandon() {
                f.completeExceptionally(new GatewayException(stoppedError()));
            }
        };
    }

    /** Once its endpoints run, this node tells the cluster its name and addresses (etcd's publish). */
    public void advertise(MemberRecord self) {
        memberChanges.advertise(self);
    }

    /** Completes when this node sees itself in the membership it has applied. */
    CompletableFuture<Void> addedToMembership() {
        return memberChanges.added();
    }

    /** A removed member stops serving, as etcd's does; its data dir no longer belongs to a cluster. */
    private void stopRemoved() {
        running = false;
    }

    /** Where peers dial this node. */
    public dev.cachai.server.config.HostPort peerAddress() {
        return transport.advertisedAddress();
    }

    /** This node's peer URL as members list it: scheme (https with peer TLS) and {@link #peerAddress}. */
    public String peerUrl() {
        return ClusterMembers.peerUrl(transport.urlScheme(), peerAddress());
    }

    /** The scheme every member's peer URL carries here ({@link PeerTransport#urlScheme}). */
    public String peerUrlScheme() {
        return transport.urlScheme();
    }

    /** The cluster this node belongs to (etcd's cluster id). */
    public long clusterId() {
        return transport.clusterId();
    }

    /** The peer transport, for fault injection in tests. */
    PeerTransport transport() {
        return transport;
    }

    // ---------------------------------------------------------------- ClusterView

    @Override
    public Optional<ClusterInfo> cluster() {
        return Optional.of(clusterInfo);
    }

    @Override
    public StorageFiles storage() {
        return dataDir;
    }

    @Override
    public int localId() {
        return selfId;
    }

    @Override
    public ClusterMembers members() {
        return memberChanges.members();
    }

    @Override
    public int leaderId() {
        return leaderId;
    }

    /** Whether this node is the only voter, so it needs no one else to elect a leader. */
    public boolean alone() {
        return paxos.membership().voters().equals(Set.of(selfId));
    }

    /**
     * Waits until this node first knows a leader, at most {@code timeoutMs}; false when none came
     * (a node alone leads within one fsync, a cluster member needs its peers).
     */
    public boolean awaitLeader(long timeoutMs) {
        try {
            firstLeaderKnown.get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean healthy() {
        return running && failure == null && leaderId != 0;
    }

    // ---------------------------------------------------------------- stopping

    /**
     * A leader that stops on purpose hands over first, so the cluster does not wait out an
     * election timeout (a rolling restart then costs a round trip, not a second).
     */
    private void handOverLeadership() {
        List<Integer> voters = new ArrayList<>(paxos.membership().voters());
        if (!running || !isLeader() || voters.size() < 2) {
            return;
        }
        CompletableFuture<Void> lost = new CompletableFuture<>();
        leadershipLost = lost;
        offer(() -> {
            for (int voter : voters) {
                if (voter != selfId && transport.connectedTo(voter)) {
                    SubmitResult result = paxos.transferLeadership(voter);
                    handingOver = result instanceof SubmitResult.Pending;
                    LOG.info("stopping: handing leadership to node {}: {}", voter, result);
                    return;
                }
            }
        });
        try {
            lost.get(HANDOVER_WAIT_MS_MAX, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("leadership not handed over in {} ms; stopping anyway", HANDOVER_WAIT_MS_MAX);
        }
    }

    /** Has the loop fail what waits and stop its sync thread, and waits for it (once: a second close finds it done). */
    private void awaitLoopStopped() throws InterruptedException {
        try {
            loop.loop().execute(this::finishIfStopped);
            loopStopped.get(LOOP_STOP_WAIT_MS_MAX, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException alreadyClosed) {
            // closed before: the loop finished then
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the consensus loop did not stop in {} ms", LOOP_STOP_WAIT_MS_MAX);
        }
    }

    private void stopEverything() {
        EtcdError error = stoppedError();
        proposals.failAll(error);
        reads.failAll(error);
        memberChanges.failAll(error);
        List<LoopEvent> rest = new ArrayList<>(batch); // a failed round's events after the one that failed
        batch.clear();
        events.drainTo(rest);
        rest.forEach(LoopEvent::abandon);
    }

    @Override
    public void close() {
        handOverLeadership();
        running = false;
        // Not shutdownNow: interrupting a snapshot being written would only waste it.
        housekeeping.shutdown();
        try {
            housekeeping.awaitTermination(SNAPSHOT_WRITE_WAIT_MS_MAX, TimeUnit.MILLISECONDS);
            awaitLoopStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (transport != null) {
            transport.close();
        }
        loop.close();
        try {
            wal.close();
        } catch (java.io.IOException e) {
            LOG.warn("cannot close the consensus log", e);
        }
    }
}
