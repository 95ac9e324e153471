package dev.cachai.consensus.sim;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.ReadState;
import dev.cachai.consensus.SubmitResult;
import dev.cachai.consensus.linearizability.Register;
import dev.cachai.consensus.linearizability.Timed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A client with one operation at a time: puts and gets through the log, and gets through
 * read index. It records when each operation was invoked and answered.
 */
final class SimClient {

    /** What applying an operation's command produced (the first replica to apply it). */
    record Outcome(long index, String result) {
    }

    /** One operation as the client saw it; {@code answered} false means the outcome is unknown. */
    record Recorded(long opId, String key, boolean isPut, boolean viaLog, String written, long invokeTick,
            boolean answered, long responseTick, String result, long index) {

        Timed<Register.Op> resolve(Map<Long, Outcome> outcomes) {
            if (answered) {
                return new Timed<>(invokeTick, responseTick, isPut ? Register.write(written) : Register.read(result));
            }
            // Unknown outcome: a read without answer had no effect; a put may have taken effect.
            boolean chosen = viaLog && outcomes.containsKey(opId);
            return chosen && isPut ? new Timed<>(invokeTick, Timed.UNKNOWN, Register.write(written)) : null;
        }
    }

    private record InFlightOp(long opId, String key, boolean isPut, boolean viaLog, String written, int nodeId,
            long index, long invokeTick) {
    }

    private static final int NO_NODE = 0;

    private final int clientId;
    private final SplittableRandom random;
    /** Does only read-index reads (the others mix puts and gets through the log with them). */
    private final boolean readsOnly;
    private final List<Recorded> history = new ArrayList<>();
    private InFlightOp current;
    private int leaderHint = NO_NODE;

    SimClient(int clientId, SplittableRandom random, boolean readsOnly) {
        this.clientId = clientId;
        this.random = random;
        this.readsOnly = readsOnly;
    }

    int readsAnsweredInTheirTick() {
        return (int) history.stream().filter(op -> op.answered() && !op.viaLog() && op.responseTick() == op.invokeTick())
                .count();
    }

    List<Recorded> history() {
        List<Recorded> all = new ArrayList<>(history);
        if (current != null) {
            all.add(unanswered(current));
        }
        return all;
    }

    void act(ClusterSimulation sim) {
        if (current != null) {
            if (sim.nowTick() - current.invokeTick() > sim.options().clientTimeoutTicks()) {
                history.add(unanswered(current));
                current = null;
                leaderHint = NO_NODE;
            }
            return;
        }
        if (random.nextDouble() < 0.3) {
            start(sim);
        }
    }

    private void start(ClusterSimulation sim) {
        SimNode node = pickNode(sim);
        if (node == null) {
            return;
        }
        long opId = sim.newOpId();
        String key = "k" + random.nextInt(sim.options().keyCount());
        double kind = readsOnly ? 0 : random.nextDouble();
        SubmitResult result;
        InFlightOp op;
        if (kind < 0.3) {
            result = node.paxos.readIndex(ClusterSimulation.context(opId));
            op = new InFlightOp(opId, key, false, false, null, node.id, 0, sim.nowTick());
        } else {
            boolean isPut = kind < 0.8;
            String written = isPut ? "c" + clientId + "-" + opId : null;
            byte[] command = isPut ? KvStateMachine.put(key, written, opId) : KvStateMachine.get(key, opId);
            result = node.paxos.propose(command);
            long index = result instanceof SubmitResult.Accepted accepted ? accepted.index() : 0;
            op = new InFlightOp(opId, key, isPut, true, written, node.id, index, sim.nowTick());
        }
        if (result instanceof SubmitResult.NotLeader notLeader) {
            leaderHint = notLeader.leaderId();
        } else if (result instanceof SubmitResult.Accepted || result instanceof SubmitResult.Pending) {
            current = op;
            leaderHint = node.id;
            sim.process(node);
        }
    }

    private SimNode pickNode(ClusterSimulation sim) {
        if (leaderHint != NO_NODE && sim.node(leaderHint).alive) {
            return sim.node(leaderHint);
        }
        List<Integer> ids = sim.nodeIds();
        SimNode node = sim.node(ids.get(random.nextInt(ids.size())));
        return node.alive ? node : null;
    }

    void onApplied(int nodeId, Entry entry, String result, long nowTick) {
        if (current == null || !current.viaLog() || current.nodeId() != nodeId || current.index() != entry.index()) {
            return;
        }
        if (KvStateMachine.opId(entry.data()) == current.opId()) {
            history.add(answered(current, nowTick, result));
        }
        // Another command took our slot: ours can never be chosen anywhere, so it did not happen.
        current = null;
    }

    void onReadReady(SimNode node, ReadState read, long nowTick) {
        if (current == null || current.viaLog() || current.nodeId() != node.id) {
            return;
        }
        if (Arrays.equals(read.context(), ClusterSimulation.context(current.opId()))) {
            history.add(answered(current, nowTick, node.kv.read(current.key())));
            current = null;
        }
    }

    private static Recorded answered(InFlightOp op, long nowTick, String result) {
        return new Recorded(op.opId(), op.key(), op.isPut(), op.viaLog(), op.written(), op.invokeTick(), true,
                nowTick, result, op.index());
    }

    private static Recorded unanswered(InFlightOp op) {
        return new Recorded(op.opId(), op.key(), op.isPut(), op.viaLog(), op.written(), op.invokeTick(), false,
                Long.MAX_VALUE, null, op.index());
    }
}
