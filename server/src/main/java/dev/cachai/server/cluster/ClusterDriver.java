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
import dev.cachai.engine.Engine;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.CommandCodec;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.ZkReap;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.Result;
import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.driver.Driver;
import dev.cachai.server.driver.LeaseTimers;
import dev.cachai.server.storage.DataDir;
import dev.cachai.server.transport.PeerFrame;
import dev.cachai.server.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The clustered path from proposal to apply. One loop thread owns the Paxos node: it takes
 * client requests and peer frames from a bounded queue, ticks the node, and carries out each
 * {@link Ready} in the order its contract demands (persist and fsync, send, install, apply,
 * serve reads). Followers forward proposals to the leader; whichever node took the client's
 * request completes its future when it applies the entry that carries its origin id.
 */
public final class ClusterDriver implements Driver, ClusterView {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDriver.class);

    /** Something for the loop thread to do; {@link #abandon} runs instead when the loop has stopped. */
    private interface LoopEvent {
        void run();

        default void abandon() {}
    }

    private final int selfId;
    private final List<ClusterMember> members;
    private final PaxosNode paxos;
    private final Wal wal;
    private final DataDir dataDir;
    private final ClusterLimits limits;
    private final LeaseTimers timers;
    private final ClusterLeases leases;
    private final Consumer<Engine> engineReplaced;
    private final ArrayBlockingQueue<LoopEvent> events;
    private final Waiters<Result> proposals = new Waiters<>();
    private final Waiters<Long> reads = new Waiters<>();
    /** Proposals waiting for a leader to forward them to (loop thread only). */
    private final Set<Long> unsent = new LinkedHashSet<>();
    private final Map<Long, byte[]> payloads = new java.util.HashMap<>();
    /** Starts from the clock so an entry of an earlier incarnation never completes a new request. */
    private final AtomicLong nextSeq = new AtomicLong(System.currentTimeMillis() << 20);
    private final Thread loop;
    private final ScheduledExecutorService housekeeping;
    private PeerTransport transport;
    private volatile Engine engine;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile int leaderId;
    private volatile Set<Integer> voters;
    private boolean wasLeader;
    private long tickCount;
    private long appliedIndex;
    private long lastSnapshotIndex;
    private volatile boolean snapshotInProgress;

    ClusterDriver(int selfId, List<ClusterMember> members, PaxosNode paxos, Wal wal, DataDir dataDir, Engine engine,
                  long appliedIndex, ClusterLimits limits, Consumer<Engine> engineReplaced) {
        this.selfId = selfId;
        this.members = List.copyOf(members);
        this.paxos = paxos;
        this.wal = wal;
        this.dataDir = dataDir;
        this.engine = engine;
        this.appliedIndex = appliedIndex;
        this.lastSnapshotIndex = appliedIndex;
        this.limits = limits;
        this.engineReplaced = engineReplaced;
        this.voters = paxos.membership().voters();
        this.events = new ArrayBlockingQueue<>(limits.eventsQueuedMax());
        this.timers = new LeaseTimers(() -> this.engine, System::currentTimeMillis);
        this.timers.restartAll();
        this.leases = new ClusterLeases(timers, this::isLeader, limits.keepAlivesPerFrameMax() * 4);
        this.loop = new Thread(this::runLoop, "cachai-paxos-loop");
        this.loop.setDaemon(true);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cachai-cluster-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the loop once the transport exists (the transport delivers into this driver). */
    void start(PeerTransport peerTransport) {
        this.transport = peerTransport;
        loop.start();
        housekeeping.scheduleWithFixedDelay(this::expireLeases, limits.leaseCheckIntervalMs(),
                limits.leaseCheckIntervalMs(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::reapNodes, limits.reapIntervalMs(), limits.reapIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- CommandGateway

    @Override
    public CompletableFuture<Result> propose(Command command) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        long seq = nextSeq.incrementAndGet();
        byte[] payload = new EntryPayload(selfId, seq, 0, CommandCodec.encode(0, command)).encode();
        enqueue(f, new LoopEvent() {
            @Override
            public void run() {
                if (admit(f)) {
                    proposals.add(seq, f, System.currentTimeMillis() + limits.requestTimeoutMs());
                    payloads.put(seq, payload);
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
                    reads.add(seq, f, System.currentTimeMillis() + limits.requestTimeoutMs());
                    askReadIndex(seq);
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
        } else if (!events.offer(event)) {
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

    /** Called on transport threads: hands the frame to the loop, or drops it when the loop is full. */
    void deliver(int from, PeerFrame frame) {
        events.offer(() -> onPeerFrame(from, frame));
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
        }
    }

    private void onForward(int from, PeerFrame.Forward forward) {
        if (paxos.role() != Role.LEADER) {
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
            if (proposals.get(refused.seq()) != null) {
                unsent.add(refused.seq());
            }
        } else {
            forget(refused.seq());
            proposals.fail(refused.seq(), EtcdError.TOO_MANY_REQUESTS);
        }
    }

    // ---------------------------------------------------------------- proposals and reads

    private void submit(long seq, byte[] payload) {
        if (paxos.role() == Role.LEADER) {
            SubmitResult result = proposeHere(payload);
            if (!(result instanceof SubmitResult.Accepted)) {
                forget(seq);
                proposals.fail(seq, EtcdError.TOO_MANY_REQUESTS);
            }
            return;
        }
        int leader = paxos.leaderId();
        if (leader == 0 || !transport.send(leader, new PeerFrame.Forward(seq, payload))) {
            unsent.add(seq);
        }
    }

    /** The leader stamps its clock into the entry: the one time every replica applies. */
    private SubmitResult proposeHere(byte[] payload) {
        return paxos.propose(EntryPayload.stamped(payload, System.currentTimeMillis()));
    }

    private void resendUnsent() {
        List<Long> waiting = new ArrayList<>(unsent);
        unsent.clear();
        for (long seq : waiting) {
            byte[] payload = payloads.get(seq);
            if (payload != null && proposals.get(seq) != null) {
                submit(seq, payload);
            }
        }
    }

    private void forget(long seq) {
        payloads.remove(seq);
        unsent.remove(seq);
    }

    private void askReadIndex(long seq) {
        Waiters.Waiter<Long> w = reads.get(seq);
        if (w == null) {
            return;
        }
        w.askedTick = tickCount;
        SubmitResult result = paxos.readIndex(ByteBuffer.allocate(8).putLong(seq).array());
        if (result instanceof SubmitResult.Rejected) {
            reads.fail(seq, EtcdError.TOO_MANY_REQUESTS);
        }
    }

    /** Read-index requests or answers can be lost, and a leader can fall: ask again after a while. */
    private void retryReads() {
        List<Long> due = new ArrayList<>();
        for (Map.Entry<Long, Waiters.Waiter<Long>> e : reads.entries()) {
            if (tickCount - e.getValue().askedTick >= limits.readRetryTicks()) {
                due.add(e.getKey());
            }
        }
        due.forEach(this::askReadIndex);
    }

    // ---------------------------------------------------------------- the loop

    private void runLoop() {
        long nextTickMs = System.currentTimeMillis() + limits.tickMs();
        List<LoopEvent> batch = new ArrayList<>(limits.eventsPerBatchMax());
        try {
            while (running) {
                long waitMs = Math.max(0, nextTickMs - System.currentTimeMillis());
                LoopEvent first = events.poll(waitMs, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    events.drainTo(batch, limits.eventsPerBatchMax() - 1);
                    for (LoopEvent e : batch) {
                        e.run();
                    }
                    batch.clear();
                }
                if (System.currentTimeMillis() >= nextTickMs) {
                    onTick();
                    nextTickMs = System.currentTimeMillis() + limits.tickMs();
                }
                processReady();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("consensus loop stopped: the node can no longer serve", e);
        }
        running = false;
        stopEverything();
    }

    private void onTick() {
        tickCount++;
        paxos.tick();
        long now = System.currentTimeMillis();
        proposals.expire(now);
        reads.expire(now);
        payloads.keySet().removeIf(seq -> proposals.get(seq) == null);
        retryReads();
        if (!unsent.isEmpty() && paxos.leaderId() != 0) {
            resendUnsent();
        }
        forwardRenewals();
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

    private void processReady() {
        Ready ready = paxos.ready();
        while (!ready.isEmpty()) {
            carryOut(ready);
            ready = paxos.ready();
        }
        observeLeadership();
    }

    /** The order is Ready's contract: durable before sent, installed before applied. */
    private void carryOut(Ready ready) {
        ready.snapshotToInstall().ifPresent(s -> dataDir.writeSnapshotBytes(s.index(), s.data()));
        wal.save(ready);
        ready.snapshotMarker().ifPresent(marker -> wal.truncateBefore(marker.index() + 1));
        for (Message m : ready.messages()) {
            transport.send(m.to(), new PeerFrame.Paxos(m));
        }
        ready.snapshotToInstall().ifPresent(this::installSnapshot);
        for (Entry entry : ready.committedEntries()) {
            apply(entry);
        }
        for (ReadState read : ready.readStates()) {
            reads.complete(ByteBuffer.wrap(read.context()).getLong(), engine.revision());
        }
        maybeSnapshot();
    }

    private void apply(Entry entry) {
        appliedIndex = entry.index();
        if (entry.kind() != EntryKind.COMMAND) {
            return;
        }
        EntryPayload payload = EntryPayload.decode(entry.data());
        Command command = CommandCodec.decode(payload.command()).command();
        Result result = engine.apply(payload.timeMs(), command);
        timers.onApplied(command, result);
        if (payload.originNode() == selfId) {
            forget(payload.originSeq());
            proposals.complete(payload.originSeq(), result);
        }
    }

    private void observeLeadership() {
        boolean leading = paxos.role() == Role.LEADER;
        if (leading && !wasLeader) {
            // Followers' clocks never decided expiry: give every lease a full TTL from now, as etcd does.
            timers.restartAll();
            LOG.info("node {} leads (commit index {})", selfId, paxos.commitIndex());
        }
        wasLeader = leading;
        int leader = paxos.leaderId();
        if (leader != leaderId) {
            LOG.info("node {} now follows leader {}", selfId, leader);
            if (leaderId != 0) {
                failHandedToFormerLeader();
            }
            leaderId = leader;
            if (leader != 0 && !unsent.isEmpty()) {
                resendUnsent();
            }
        }
        voters = paxos.membership().voters();
    }

    /**
     * Proposals the former leader took may or may not be chosen by the next one; rather than
     * keep their clients waiting out the whole timeout, answer "leader changed" (as etcd does)
     * so they retry now. Proposals never sent anywhere wait for the new leader instead.
     */
    private void failHandedToFormerLeader() {
        List<Long> handedOff = new ArrayList<>();
        for (Map.Entry<Long, Waiters.Waiter<Result>> e : proposals.entries()) {
            if (!unsent.contains(e.getKey())) {
                handedOff.add(e.getKey());
            }
        }
        for (long seq : handedOff) {
            forget(seq);
            proposals.fail(seq, EtcdError.LEADER_CHANGED);
        }
    }

    // ---------------------------------------------------------------- snapshots

    private void installSnapshot(Snapshot snapshot) {
        EngineSnapshot.Restored restored = EngineSnapshot.restore(dataDir.snapshotFile(snapshot.index()),
                engine.limits());
        engine = restored.engine();
        appliedIndex = snapshot.index();
        lastSnapshotIndex = snapshot.index();
        timers.restartAll();
        LOG.info("installed the leader's snapshot at log index {} (revision {})", snapshot.index(),
                restored.revision());
        engineReplaced.accept(restored.engine());
    }

    /** Every {@code snapshotEveryEntries} applied entries: pin a snapshot here, write it elsewhere. */
    private void maybeSnapshot() {
        if (snapshotInProgress || appliedIndex - lastSnapshotIndex < limits.snapshotEveryEntries()) {
            return;
        }
        snapshotInProgress = true;
        lastSnapshotIndex = appliedIndex;
        EngineSnapshot snapshot = engine.beginSnapshot(appliedIndex);
        housekeeping.execute(() -> writeSnapshot(snapshot));
    }

    private void writeSnapshot(EngineSnapshot snapshot) {
        try (snapshot) {
            snapshot.writeTo(dataDir.snapshotFile(snapshot.appliedIndex()));
            long index = snapshot.appliedIndex();
            events.offer(() -> compactLog(index));
            LOG.info("snapshot at revision {} (log index {}) written", snapshot.revision(), index);
        } catch (RuntimeException e) {
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

    // ---------------------------------------------------------------- leases and reaping (leader only)

    private void expireLeases() {
        if (!isLeader()) {
            return;
        }
        try {
            for (Lease l : timers.takeExpired()) {
                propose(l.kind() == Lease.Kind.SESSION ? new LeaseCommand.SessionClose(l.id(), true)
                        : new LeaseCommand.Revoke(l.id()));
            }
        } catch (RuntimeException e) {
            LOG.warn("lease expiry check failed", e);
        }
    }

    private void reapNodes() {
        if (!isLeader()) {
            return;
        }
        try {
            for (String path : engine.zkReapable(System.currentTimeMillis(), limits.reapBatchMax())) {
                propose(new ZkReap(path));
            }
        } catch (RuntimeException e) {
            LOG.warn("container/TTL reap failed", e);
        }
    }

    // ---------------------------------------------------------------- ClusterView

    @Override
    public int localId() {
        return selfId;
    }

    @Override
    public List<ClusterMember> members() {
        Set<Integer> current = voters;
        List<ClusterMember> out = new ArrayList<>();
        for (ClusterMember m : members) {
            if (current.contains(m.id())) {
                out.add(m);
            }
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return out;
    }

    @Override
    public int leaderId() {
        return leaderId;
    }

    @Override
    public boolean healthy() {
        return running && failure == null && leaderId != 0;
    }

    // ---------------------------------------------------------------- stopping

    private void stopEverything() {
        EtcdError error = stoppedError();
        proposals.failAll(error);
        reads.failAll(error);
        List<LoopEvent> rest = new ArrayList<>();
        events.drainTo(rest);
        rest.forEach(LoopEvent::abandon);
    }

    @Override
    public void close() {
        running = false;
        housekeeping.shutdownNow();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (transport != null) {
            transport.close();
        }
        try {
            wal.close();
        } catch (java.io.IOException e) {
            LOG.warn("cannot close the consensus log", e);
        }
    }
}
