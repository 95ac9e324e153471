package dev.cachai.consensus.sim;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.Membership;
import dev.cachai.consensus.MembershipChange;
import dev.cachai.consensus.PaxosConfig;
import dev.cachai.consensus.ReadState;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.Role;
import dev.cachai.consensus.SubmitResult;
import dev.cachai.consensus.linearizability.LinearizabilityChecker;
import dev.cachai.consensus.linearizability.Register;
import dev.cachai.consensus.linearizability.Timed;
import dev.cachai.consensus.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A whole cluster driven by one seed: simulated ticks, network, disks, crashes and clients.
 * Safety invariants are checked after every event; at the end the client histories must be
 * linearizable and, once faults stop, the cluster must make progress again.
 */
public final class ClusterSimulation {

    private final long seed;
    private final SimOptions options;
    private final SplittableRandom random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<Integer> nodeIds = new ArrayList<>();
    private final SimNetwork network;
    private final SafetyOracle oracle;
    private final List<SimClient> clients = new ArrayList<>();
    private final Map<Long, SimClient.Outcome> outcomes = new HashMap<>();
    private long nowTick;
    private long nextOpId = 1;
    private boolean faultsEnabled = true;
    private long partitionEndTick = -1;
    private final Map<Integer, Long> restartAtTick = new HashMap<>();
    private final Set<dev.cachai.consensus.Ballot> ballotsLed = new HashSet<>();
    private int crashes;
    private int crashesAfterEarlySend;
    private int membershipChanges;
    private int transfers;
    private static final double TRANSFER_RATE_PER_TICK = 0.002;
    private static final double PROMISE_CRASH_RATE = 0.1;
    /** Readies whose sync runs "on another thread": the node steps on before it is carried out. */
    private static final double DEFERRED_SYNC_RATE = 0.5;
    /** Per tick, the chance that a deferred sync finishes (it lasts 1-2 ticks on average). */
    private static final double DEFERRED_SYNC_DONE_RATE_PER_TICK = 0.6;
    private int deferredSyncs;
    private long appliedBeforeSync;
    private int snapshotsInstalled;
    private int readsServed;

    public ClusterSimulation(long seed, SimOptions options) {
        this.seed = seed;
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(random.split(), options);
        // With changing membership no fixed quorum defines "chosen"; agreement between replicas,
        // one leader per ballot and linearizability still hold and are still checked.
        int quorumSize = options.changesMembership() ? Integer.MAX_VALUE : options.initialVoterCount() / 2 + 1;
        this.oracle = new SafetyOracle(quorumSize);
        Set<Integer> voters = new HashSet<>();
        for (int id = 1; id <= options.nodeCount(); id++) {
            nodeIds.add(id);
            if (id <= options.initialVoterCount()) {
                voters.add(id);
            }
        }
        // Vary the guards per seed: without checkQuorum a deposed leader lingers, which is
        // exactly when read index must not trust its own commit index.
        boolean preVote = random.nextInt(4) != 0;
        boolean checkQuorum = random.nextBoolean();
        for (int id : nodeIds) {
            PaxosConfig config = PaxosConfig.defaults(id, voters).withElection(10, 2).withPipeline(8, 4, 256)
                    .withSnapshotChunkBytesMax(64).withGuards(preVote, checkQuorum);
            if (options.leaseReads()) {
                config = config.withLeaseReads(true, 2);
            }
            double drift = options.clockDriftMax() * (2 * random.nextDouble() - 1);
            SimNode node = new SimNode(id, config, 1 + drift);
            node.start(random.nextLong());
            nodes.add(node);
        }
        for (int c = 0; c < options.clientCount(); c++) {
            clients.add(new SimClient(c, random.split(), false));
        }
        // One client only reads, and keeps reading where it was last answered: a partitioned
        // leader that wrongly trusts its lease would be caught serving it stale values.
        clients.add(new SimClient(options.clientCount(), random.split(), true));
    }

    public long seed() {
        return seed;
    }

    /** Runs the whole scenario; throws AssertionError naming the seed on any violation. */
    public SimReport run() {
        try {
            for (; nowTick < options.faultTicks(); nowTick++) {
                injectFaults();
                maybeChangeMembership();
                maybeTransferLeadership();
                advanceOneTick();
            }
            faultsEnabled = false;
            network.heal();
            for (SimNode node : nodes) {
                if (!node.alive) {
                    restart(node);
                }
            }
            for (long end = nowTick + options.quietTicks(); nowTick < end; nowTick++) {
                advanceOneTick();
            }
            checkProgressAfterFaults();
            return checkHistories();
        } catch (RuntimeException | Error e) {
            throw new AssertionError("seed " + seed + " failed at tick " + nowTick + ": " + e.getMessage()
                    + "\n" + describeNodes(), e);
        }
    }

    private void advanceOneTick() {
        finishDeferredSyncs();
        for (SimClient client : clients) {
            client.act(this);
        }
        for (SimNode node : nodes) {
            for (int ticks = node.ticksDue(); ticks > 0 && node.alive; ticks--) {
                node.paxos.tick();
                process(node);
                maybeSnapshot(node); // as the driver does on its ticks: a member may wait for one
            }
        }
        for (Message message : network.takeDue(nowTick)) {
            SimNode target = node(message.to());
            if (target.alive) {
                target.paxos.step(message);
                process(target);
            }
        }
    }

    // ---------------------------------------------------------------- the driver

    /** What the real driver does: carry out Readies until the node has nothing more to do. */
    void process(SimNode node) {
        node.drainReadies(ready -> carryOut(node, ready));
        if (node.alive && node.syncing != null && node.syncingAppliedEarly) {
            // As the server's driver: chosen commands are applied while the sync is in flight.
            List<Entry> chosen = node.paxos.takeChosenCommands();
            appliedBeforeSync += chosen.size();
            applyAll(node, chosen);
        }
    }

    /**
     * Leader Accepts out, then write and sync, tell the node, send the rest, install, apply,
     * serve reads. Crashes strike before the sync (after the Accepts left) and after a Promise.
     * Half the syncs are deferred to a later tick, as the server's sync thread does: the node
     * meanwhile steps messages, ticks and takes proposals, with no Ready taken until it finishes.
     */
    private void carryOut(SimNode node, Ready ready) {
        for (Message message : ready.messagesBeforePersist()) {
            network.send(message, nowTick, faultsEnabled);
        }
        // Half the Readies that may have their chosen entries applied before the sync get them
        // so (a crash may then strike before the sync); the others the usual way, after it.
        boolean appliedEarly = ready.mayApplyBeforeSync() && random.nextBoolean();
        if (appliedEarly) {
            appliedBeforeSync += ready.committedEntries().size();
            applyAll(node, ready.committedEntries());
        }
        node.disk.write(ready);
        if (faultsEnabled && crashesBeforeSync(node, ready)) {
            return;
        }
        if (ready.needsSync() && random.nextDouble() < DEFERRED_SYNC_RATE) {
            deferredSyncs++;
            node.syncing = ready;
            node.syncingAppliedEarly = appliedEarly;
            return;
        }
        afterWrite(node, ready, appliedEarly);
    }

    private void finishDeferredSyncs() {
        for (SimNode node : nodes) {
            if (node.alive && node.syncing != null && random.nextDouble() < DEFERRED_SYNC_DONE_RATE_PER_TICK) {
                Ready ready = node.syncing;
                node.syncing = null;
                afterWrite(node, ready, node.syncingAppliedEarly);
                process(node);
            }
        }
    }

    private void afterWrite(SimNode node, Ready ready, boolean appliedEarly) {
        if (ready.needsSync()) {
            oracle.onDurablyAccepted(node.id, node.disk.sync());
        }
        node.paxos.persisted(ready);
        for (Message message : ready.messagesAfterPersist()) {
            network.send(message, nowTick, faultsEnabled);
        }
        ready.snapshotToInstall().ifPresent(snapshot -> {
            snapshotsInstalled++;
            node.kv.restore(snapshot.data());
            node.appliedIndex = snapshot.index();
            oracle.onRestartedFrom(node.id, snapshot.index());
        });
        if (!appliedEarly) {
            applyAll(node, ready.committedEntries());
        }
        for (ReadState read : ready.readStates()) {
            completeRead(node, read);
        }
        if (node.paxos.role() == Role.LEADER) {
            oracle.onLeader(node.id, node.incarnation, node.paxos.promised());
            ballotsLed.add(node.paxos.promised());
        }
        maybeSnapshot(node);
        if (faultsEnabled && promisedSomething(ready) && random.nextDouble() < PROMISE_CRASH_RATE) {
            // The riskiest moment for an acceptor: its promise just left. Restart it soon, so a
            // promise that was not durable would let the old leader's Accepts back in.
            crashAndRestartSoon(node);
        }
    }

    /**
     * A crash that loses this Ready's writes. After a leader's early Accepts it is the new risk:
     * followers may hold slots the leader lost, and the leader must not have counted its copy.
     */
    private boolean crashesBeforeSync(SimNode node, Ready ready) {
        if (!ready.needsSync()) {
            return false;
        }
        boolean acceptsLeft = ready.messagesBeforePersist().stream().anyMatch(m -> m instanceof Message.Accept);
        if (acceptsLeft && random.nextDouble() < options.crashAfterEarlySendRate()) {
            crashesAfterEarlySend++;
            crashAndRestartSoon(node);
            return true;
        }
        if (random.nextDouble() < options.crashBeforeSyncRate()) {
            crash(node);
            return true;
        }
        return false;
    }

    private void crashAndRestartSoon(SimNode node) {
        crash(node);
        restartAtTick.put(node.id, nowTick + 1 + random.nextInt(3));
    }

    private static boolean promisedSomething(Ready ready) {
        return ready.messages().stream().anyMatch(m -> m instanceof Message.Promise);
    }

    private void applyAll(SimNode node, List<Entry> entries) {
        for (Entry entry : entries) {
            apply(node, entry);
        }
    }

    private void apply(SimNode node, Entry entry) {
        SafetyOracle.require(entry.index() == node.appliedIndex + 1,
                "node " + node.id + " applied slot " + entry.index() + " after " + node.appliedIndex);
        oracle.onApplied(node.id, entry, !options.changesMembership());
        node.appliedIndex = entry.index();
        node.appliedSinceSnapshot++;
        if (entry.kind() != EntryKind.COMMAND) {
            return;
        }
        String result = node.kv.apply(entry.data());
        long opId = KvStateMachine.opId(entry.data());
        outcomes.putIfAbsent(opId, new SimClient.Outcome(entry.index(), result));
        for (SimClient client : clients) {
            client.onApplied(node.id, entry, result, nowTick);
        }
    }

    private void completeRead(SimNode node, ReadState read) {
        SafetyOracle.require(read.index() <= node.appliedIndex, "read released before its index was applied");
        readsServed++;
        for (SimClient client : clients) {
            client.onReadReady(node, read, nowTick);
        }
    }

    private void maybeSnapshot(SimNode node) {
        if (!node.alive) {
            return;
        }
        boolean memberWaits = node.paxos.snapshotWanted() > node.disk.snapshotIndex();
        boolean durable = node.appliedIndex <= node.paxos.durableChosenThrough();
        if (durable && (memberWaits || node.appliedSinceSnapshot >= options.snapshotEveryEntries())) {
            node.disk.saveSnapshot(node.appliedIndex, node.kv.snapshot());
            node.appliedSinceSnapshot = 0;
            // Keep a few slots so followers slightly behind still get entries, not a snapshot.
            long keep = Math.max(0, node.appliedIndex - 10);
            if (keep > node.paxos.snapshotIndex() && keep <= node.disk.snapshotIndex()) {
                node.paxos.compact(Math.min(keep, node.disk.snapshotIndex()));
            }
        }
    }

    // ---------------------------------------------------------------- faults

    private void injectFaults() {
        for (SimNode node : nodes) {
            Long restartTick = restartAtTick.get(node.id);
            if (!node.alive && restartTick != null && restartTick <= nowTick) {
                restart(node);
            } else if (node.alive && random.nextDouble() < options.crashRatePerTick() && aliveCount() > 1) {
                crash(node);
            }
        }
        if (network.isPartitioned() && nowTick >= partitionEndTick) {
            network.heal();
        } else if (!network.isPartitioned() && random.nextDouble() < options.partitionRatePerTick()) {
            Set<Integer> side = new HashSet<>();
            for (int id : nodeIds) {
                if (random.nextBoolean()) {
                    side.add(id);
                }
            }
            network.partition(side, nodeIds);
            partitionEndTick = nowTick + 1 + random.nextInt(options.partitionTicksMax());
        }
    }

    private void maybeChangeMembership() {
        if (!options.changesMembership() || random.nextDouble() >= options.membershipChangeRatePerTick()) {
            return;
        }
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        Membership members = leader.paxos.membership();
        List<MembershipChange> possible = new ArrayList<>();
        for (int id : nodeIds) {
            if (!members.isMember(id)) {
                possible.add(new MembershipChange.AddLearner(id));
            } else if (members.learners().contains(id)) {
                possible.add(new MembershipChange.PromoteLearner(id));
                possible.add(new MembershipChange.Remove(id));
            } else if (members.voters().size() > 3) {
                possible.add(new MembershipChange.Remove(id));
            }
        }
        if (!possible.isEmpty()) {
            MembershipChange change = possible.get(random.nextInt(possible.size()));
            if (leader.paxos.changeMembership(change) instanceof SubmitResult.Accepted) {
                membershipChanges++;
            }
            process(leader);
        }
    }

    private void maybeTransferLeadership() {
        if (random.nextDouble() >= TRANSFER_RATE_PER_TICK) {
            return;
        }
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        List<Integer> voters = new ArrayList<>(leader.paxos.membership().voters());
        int target = voters.get(random.nextInt(voters.size()));
        if (target != leader.id && leader.paxos.transferLeadership(target) instanceof SubmitResult.Pending) {
            transfers++;
        }
        process(leader);
    }

    private SimNode currentLeader() {
        return nodes.stream().filter(n -> n.alive && n.paxos.role() == Role.LEADER).findFirst().orElse(null);
    }

    private void crash(SimNode node) {
        crashes++;
        node.crash();
        restartAtTick.put(node.id, nowTick + 1 + random.nextInt(options.downTicksMax()));
    }

    private void restart(SimNode node) {
        node.start(random.nextLong());
        oracle.onRestartedFrom(node.id, node.appliedIndex);
        restartAtTick.remove(node.id);
    }

    private int aliveCount() {
        return (int) nodes.stream().filter(n -> n.alive).count();
    }

    // ---------------------------------------------------------------- end checks

    private void checkProgressAfterFaults() {
        SimNode leader = currentLeader();
        SafetyOracle.require(leader != null, "no leader " + options.quietTicks() + " ticks after faults");
        long opId = nextOpId++;
        SubmitResult result = leader.paxos.propose(KvStateMachine.put("final", "v" + opId, opId));
        SafetyOracle.require(result instanceof SubmitResult.Accepted, "leader refused the final proposal: " + result);
        long index = ((SubmitResult.Accepted) result).index();
        process(leader);
        for (int i = 0; i < options.quietTicks(); i++, nowTick++) {
            advanceOneTick();
        }
        Membership members = leader.paxos.membership();
        for (SimNode node : nodes) {
            if (!members.isMember(node.id)) {
                continue;
            }
            SafetyOracle.require(node.appliedIndex >= index, "node " + node.id + " stuck at " + node.appliedIndex
                    + " below " + index + " after faults ended");
        }
    }

    private SimReport checkHistories() {
        Map<String, List<Timed<Register.Op>>> byKey = new HashMap<>();
        int completed = 0;
        for (SimClient client : clients) {
            for (SimClient.Recorded op : client.history()) {
                if (op.answered() && op.viaLog()) {
                    Entry chosen = oracle.appliedAt(op.index());
                    SafetyOracle.require(chosen != null && KvStateMachine.opId(chosen.data()) == op.opId(),
                            "acknowledged op " + op.opId() + " is not the chosen value of slot " + op.index());
                }
                Timed<Register.Op> checked = op.resolve(outcomes);
                if (checked != null) {
                    byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(checked);
                    completed += checked.outcomeKnown() ? 1 : 0;
                }
            }
        }
        for (Map.Entry<String, List<Timed<Register.Op>>> key : byKey.entrySet()) {
            var verdict = LinearizabilityChecker.check(Register.MODEL, key.getValue());
            SafetyOracle.require(verdict.linearizable(), "history of key " + key.getKey() + " ("
                    + key.getValue().size() + " ops) is " + verdict.describe());
        }
        long chosen = oracle.appliedLog().size();
        int readsInOneTick = clients.stream().mapToInt(SimClient::readsAnsweredInTheirTick).sum();
        return new SimReport(seed, chosen, completed, network.messagesSent, network.messagesDropped, ballotsLed.size(),
                crashes, crashesAfterEarlySend, snapshotsInstalled, readsServed, readsInOneTick, membershipChanges,
                transfers, deferredSyncs, appliedBeforeSync);
    }

    private String describeNodes() {
        StringBuilder text = new StringBuilder();
        for (SimNode node : nodes) {
            text.append("  node ").append(node.id);
            if (!node.alive) {
                text.append(" down\n");
                continue;
            }
            text.append(' ').append(node.paxos.role()).append(" leader=").append(node.paxos.leaderId())
                    .append(" promised=").append(node.paxos.promised()).append(" commit=")
                    .append(node.paxos.commitIndex()).append(" last=").append(node.paxos.lastIndex())
                    .append(" applied=").append(node.appliedIndex).append(' ')
                    .append(TraceFormat.membership(node.paxos.membership())).append('\n');
        }
        return text.toString();
    }

    // ---------------------------------------------------------------- for clients

    SimNode node(int id) {
        return nodes.get(id - 1);
    }

    List<Integer> nodeIds() {
        return nodeIds;
    }

    long nowTick() {
        return nowTick;
    }

    long newOpId() {
        return nextOpId++;
    }

    SimOptions options() {
        return options;
    }

    static byte[] context(long opId) {
        return Long.toString(opId).getBytes(StandardCharsets.UTF_8);
    }
}
