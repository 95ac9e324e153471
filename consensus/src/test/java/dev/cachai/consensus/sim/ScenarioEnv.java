package dev.cachai.consensus.sim;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.MembershipChange;
import dev.cachai.consensus.PaxosConfig;
import dev.cachai.consensus.ReadState;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.SubmitResult;
import dev.cachai.consensus.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs the commands of a scenario file against a small cluster whose messages only move when a
 * command says so, and prints what happened in a stable text form.
 */
final class ScenarioEnv {

    private static final long NODE_SEED = 42;
    private static final int STABILIZE_ROUNDS_MAX = 100;

    private final TreeMap<Integer, SimNode> nodes = new TreeMap<>();
    private final List<Message> pending = new ArrayList<>();
    private final Set<Integer> isolated = new HashSet<>();
    /** Nodes that crash in their next Ready needing a sync, after its early messages left. */
    private final Set<Integer> crashBeforeSync = new HashSet<>();
    private Set<Integer> initialVoters = Set.of();
    private boolean leaseReads;
    private final List<String> out = new ArrayList<>();

    String run(String commandLine) {
        out.clear();
        String[] args = commandLine.trim().split("\\s+");
        execute(args);
        return out.isEmpty() ? "ok" : String.join("\n", out);
    }

    private void execute(String[] a) {
        switch (a[0]) {
            case "cluster" -> cluster(Integer.parseInt(a[1]), a.length > 2 && a[2].equals("lease-reads"));
            case "add-node" -> addNode(Integer.parseInt(a[1]));
            case "campaign" -> {
                node(a[1]).paxos.campaign();
                process(node(a[1]));
            }
            case "tick" -> tick(node(a[1]), a.length > 2 ? Integer.parseInt(a[2]) : 1);
            case "propose" -> submit(a[1], node(a[1]).paxos.propose(a[2].getBytes(StandardCharsets.UTF_8)));
            case "read-index" -> submit(a[1], node(a[1]).paxos.readIndex(a[2].getBytes(StandardCharsets.UTF_8)));
            case "transfer" -> submit(a[1], node(a[1]).paxos.transferLeadership(Integer.parseInt(a[2])));
            case "add-learner" -> change(a[1], new MembershipChange.AddLearner(Integer.parseInt(a[2])));
            case "promote" -> change(a[1], new MembershipChange.PromoteLearner(Integer.parseInt(a[2])));
            case "remove" -> change(a[1], new MembershipChange.Remove(Integer.parseInt(a[2])));
            case "compact" -> compact(node(a[1]), Long.parseLong(a[2]));
            case "isolate" -> isolated.add(Integer.parseInt(a[1]));
            case "heal" -> isolated.clear();
            case "crash" -> crash(node(a[1]));
            case "crash-before-sync" -> crashBeforeSync.add(Integer.parseInt(a[1]));
            case "restart" -> restart(nodes.get(Integer.parseInt(a[1])));
            case "deliver" -> deliver(optionalId(a, 1), optionalId(a, 2));
            case "drop" -> drop(Integer.parseInt(a[1]), Integer.parseInt(a[2]));
            case "stabilize" -> stabilize();
            case "status" -> nodes.values().forEach(this::status);
            case "log" -> log(node(a[1]));
            default -> throw new IllegalArgumentException("unknown scenario command " + a[0]);
        }
    }

    private static int optionalId(String[] args, int position) {
        return args.length > position ? Integer.parseInt(args[position]) : 0;
    }

    private void cluster(int size, boolean withLeaseReads) {
        leaseReads = withLeaseReads;
        Set<Integer> voters = new HashSet<>();
        for (int id = 1; id <= size; id++) {
            voters.add(id);
        }
        initialVoters = voters;
        for (int id = 1; id <= size; id++) {
            addNode(id);
        }
    }

    private void addNode(int id) {
        PaxosConfig config = PaxosConfig.defaults(id, initialVoters).withElection(10, 2)
                .withSnapshotChunkBytesMax(16).withLeaseReads(leaseReads, 2);
        SimNode node = new SimNode(id, config);
        node.start(NODE_SEED + id);
        nodes.put(id, node);
    }

    private SimNode node(String id) {
        SimNode node = nodes.get(Integer.parseInt(id));
        if (node == null || !node.alive) {
            throw new IllegalArgumentException("node " + id + " is not running");
        }
        return node;
    }

    private void tick(SimNode node, int count) {
        for (int i = 0; i < count; i++) {
            node.paxos.tick();
            process(node);
        }
    }

    private void submit(String nodeId, SubmitResult result) {
        out.add(nodeId + " -> " + describe(result));
        process(node(nodeId));
    }

    private void change(String nodeId, MembershipChange change) {
        submit(nodeId, node(nodeId).paxos.changeMembership(change));
    }

    private static String describe(SubmitResult result) {
        if (result instanceof SubmitResult.Accepted accepted) {
            return "accepted index=" + accepted.index() + " ballot=" + accepted.ballot();
        }
        if (result instanceof SubmitResult.NotLeader notLeader) {
            return "not leader, leader=" + notLeader.leaderId();
        }
        if (result instanceof SubmitResult.Rejected rejected) {
            return "rejected: " + rejected.reason();
        }
        return "pending";
    }

    private void compact(SimNode node, long index) {
        node.disk.saveSnapshot(node.appliedIndex, node.kv.snapshot());
        node.paxos.compact(index);
        process(node);
        out.add(node.id + " compacted through " + index);
    }

    private void crash(SimNode node) {
        node.crash();
        pending.removeIf(m -> m.to() == node.id || m.from() == node.id);
    }

    private void restart(SimNode node) {
        node.start(NODE_SEED + node.id);
    }

    // ---------------------------------------------------------------- message movement

    /** Carries out Readies the way the driver contract says, until the node has nothing to do. */
    private void process(SimNode node) {
        node.drainReadies(ready -> carryOut(node, ready));
    }

    private void carryOut(SimNode node, Ready ready) {
        for (Message message : ready.messagesBeforePersist()) {
            out.add(node.id + " send before sync " + TraceFormat.message(message));
            pending.add(message);
        }
        node.disk.write(ready);
        if (ready.needsSync() && crashBeforeSync.remove(node.id)) {
            out.add(node.id + " crashed before its sync");
            node.crash();
            pending.removeIf(m -> m.to() == node.id);
            return;
        }
        if (ready.needsSync()) {
            node.disk.sync();
        }
        node.paxos.persisted(ready);
        for (Message message : ready.messagesAfterPersist()) {
            out.add(node.id + " send " + TraceFormat.message(message));
            pending.add(message);
        }
        ready.snapshotToInstall().ifPresent(snapshot -> {
            node.kv.restore(snapshot.data());
            node.appliedIndex = snapshot.index();
            out.add(node.id + " installed snapshot index=" + snapshot.index());
        });
        for (Entry entry : ready.committedEntries()) {
            if (TraceFormat.isCommand(entry)) {
                node.kv.apply(("P|" + TraceFormat.text(entry.data()) + "|x|0").getBytes(StandardCharsets.UTF_8));
            }
            node.appliedIndex = entry.index();
            out.add(node.id + " apply " + TraceFormat.entry(entry));
        }
        for (ReadState read : ready.readStates()) {
            out.add(node.id + " read ctx=" + TraceFormat.text(read.context()) + " index=" + read.index());
        }
        if (node.paxos.snapshotWanted() > node.disk.snapshotIndex()) {
            // As the driver does: a member needs slots this node no longer holds in memory.
            node.disk.saveSnapshot(node.appliedIndex, node.kv.snapshot());
            out.add(node.id + " snapshot for a waiting member at index=" + node.appliedIndex);
        }
    }

    /** Delivers what is pending now (optionally only from/to given nodes); replies wait. */
    private void deliver(int from, int to) {
        List<Message> batch = new ArrayList<>();
        for (Iterator<Message> it = pending.iterator(); it.hasNext();) {
            Message m = it.next();
            if ((from == 0 || m.from() == from) && (to == 0 || m.to() == to)) {
                batch.add(m);
                it.remove();
            }
        }
        for (Message message : batch) {
            SimNode target = nodes.get(message.to());
            if (target == null || !target.alive || isolated.contains(message.to())
                    || isolated.contains(message.from())) {
                out.add("lost " + TraceFormat.message(message));
                continue;
            }
            target.paxos.step(message);
            process(target);
        }
    }

    private void drop(int from, int to) {
        pending.removeIf(m -> {
            boolean match = m.from() == from && m.to() == to;
            if (match) {
                out.add("dropped " + TraceFormat.message(m));
            }
            return match;
        });
    }

    private void stabilize() {
        for (int round = 0; round < STABILIZE_ROUNDS_MAX && !pending.isEmpty(); round++) {
            deliver(0, 0);
        }
    }

    // ---------------------------------------------------------------- inspection

    private void status(SimNode node) {
        if (!node.alive) {
            out.add(node.id + " down");
            return;
        }
        out.add(node.id + " " + node.paxos.role() + " leader=" + node.paxos.leaderId() + " promised="
                + node.paxos.promised() + " commit=" + node.paxos.commitIndex() + " last=" + node.paxos.lastIndex()
                + " snapshot=" + node.paxos.snapshotIndex() + " " + TraceFormat.membership(node.paxos.membership()));
    }

    private void log(SimNode node) {
        List<String> entries = new ArrayList<>();
        for (long i = node.paxos.snapshotIndex() + 1; i <= node.paxos.lastIndex(); i++) {
            entries.add(node.paxos.entry(i).map(TraceFormat::entry).orElse(i + ":hole"));
        }
        out.add(node.id + " log " + String.join(" ", entries));
    }
}
