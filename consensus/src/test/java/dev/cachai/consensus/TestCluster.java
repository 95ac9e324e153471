package dev.cachai.consensus;

import dev.cachai.consensus.message.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** A lossless in-memory cluster for unit tests: messages move only when asked to. */
final class TestCluster {

    private static final int DELIVERIES_MAX = 10_000;

    final TreeMap<Integer, PaxosNode> nodes = new TreeMap<>();
    final TreeMap<Integer, List<Entry>> applied = new TreeMap<>();
    final TreeMap<Integer, List<ReadState>> reads = new TreeMap<>();
    final Set<Integer> isolated = new HashSet<>();
    private final Deque<Message> inFlight = new ArrayDeque<>();

    TestCluster(int size, UnaryOperator<PaxosConfig> tweak) {
        Set<Integer> voters = new HashSet<>();
        for (int id = 1; id <= size; id++) {
            voters.add(id);
        }
        for (int id = 1; id <= size; id++) {
            PaxosConfig config = tweak.apply(PaxosConfig.defaults(id, voters).withElection(10, 2));
            nodes.put(id, PaxosNode.fresh(config, new SplittableRandom(id), SnapshotSource.NONE));
            applied.put(id, new ArrayList<>());
            reads.put(id, new ArrayList<>());
        }
    }

    TestCluster(int size) {
        this(size, UnaryOperator.identity());
    }

    PaxosNode node(int id) {
        return nodes.get(id);
    }

    /** Elects {@code id} and lets the cluster settle. */
    PaxosNode elect(int id) {
        node(id).campaign();
        stabilize();
        if (node(id).role() != Role.LEADER) {
            throw new AssertionError("node " + id + " did not become leader");
        }
        return node(id);
    }

    void process(int id) {
        Ready ready = node(id).ready();
        node(id).persisted(ready);
        for (Message message : ready.messages()) {
            if (!isolated.contains(message.from()) && !isolated.contains(message.to())) {
                inFlight.add(message);
            }
        }
        applied.get(id).addAll(ready.committedEntries());
        reads.get(id).addAll(ready.readStates());
    }

    void stabilize() {
        nodes.keySet().forEach(this::process);
        for (int delivered = 0; !inFlight.isEmpty(); delivered++) {
            if (delivered > DELIVERIES_MAX) {
                throw new AssertionError("cluster does not settle");
            }
            Message message = inFlight.poll();
            node(message.to()).step(message);
            process(message.to());
        }
    }

    void tickAll(int ticks) {
        for (int i = 0; i < ticks; i++) {
            for (int id : nodes.keySet()) {
                node(id).tick();
                process(id);
            }
            stabilize();
        }
    }
}
