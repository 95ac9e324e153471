package dev.cachai.consensus.sim;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches the whole cluster from outside and fails on the first broken invariant:
 * <ul>
 *   <li>per slot and ballot, acceptors only ever accepted one value;</li>
 *   <li>per slot, at most one value is chosen (accepted by a quorum in one ballot), and a
 *       chosen value never changes;</li>
 *   <li>every replica applies, slot by slot, exactly the chosen value, so replicas agree on
 *       the chosen prefix;</li>
 *   <li>one ballot has at most one leader, ever (also across crashes).</li>
 * </ul>
 */
final class SafetyOracle {

    private record SlotBallot(long index, Ballot ballot) {
    }

    private final int quorumSize;
    private final Map<SlotBallot, Entry> valueBySlotBallot = new HashMap<>();
    private final Map<SlotBallot, Set<Integer>> acceptorsBySlotBallot = new HashMap<>();
    private final Map<Long, Entry> chosen = new HashMap<>();
    private final Map<Long, Entry> applied = new HashMap<>();
    private final Map<Integer, Long> appliedIndexByNode = new HashMap<>();
    private final Map<Ballot, String> leaderByBallot = new HashMap<>();

    SafetyOracle(int quorumSize) {
        this.quorumSize = quorumSize;
    }

    void onDurablyAccepted(int nodeId, List<Entry> entries) {
        for (Entry entry : entries) {
            SlotBallot key = new SlotBallot(entry.index(), entry.ballot());
            Entry previous = valueBySlotBallot.putIfAbsent(key, entry);
            require(previous == null || previous.sameValue(entry),
                    "two values accepted in slot " + entry.index() + " ballot " + entry.ballot());
            Set<Integer> acceptors = acceptorsBySlotBallot.computeIfAbsent(key, k -> new HashSet<>());
            acceptors.add(nodeId);
            if (acceptors.size() >= quorumSize) {
                Entry already = chosen.putIfAbsent(entry.index(), entry);
                require(already == null || already.sameValue(entry),
                        "slot " + entry.index() + " chosen twice: " + already + " then " + entry);
            }
        }
    }

    /** Called as a replica applies; restarted replicas re-apply from their snapshot. */
    void onApplied(int nodeId, Entry entry, boolean checkChosen) {
        Entry previous = applied.putIfAbsent(entry.index(), entry);
        require(previous == null || previous.sameValue(entry),
                "node " + nodeId + " applied " + entry + " where another replica applied " + previous);
        if (checkChosen) {
            Entry decided = chosen.get(entry.index());
            require(decided != null, "node " + nodeId + " applied slot " + entry.index() + " that no quorum accepted");
            require(decided.sameValue(entry), "node " + nodeId + " applied a value that is not the chosen one");
        }
        appliedIndexByNode.merge(nodeId, entry.index(), Math::max);
    }

    void onRestartedFrom(int nodeId, long appliedIndex) {
        appliedIndexByNode.put(nodeId, appliedIndex);
    }

    long expectedNextApply(int nodeId) {
        return appliedIndexByNode.getOrDefault(nodeId, 0L) + 1;
    }

    void onLeader(int nodeId, int incarnation, Ballot ballot) {
        String who = nodeId + "#" + incarnation;
        String previous = leaderByBallot.putIfAbsent(ballot, who);
        require(previous == null || previous.equals(who), "ballot " + ballot + " led by " + previous + " and " + who);
    }

    Entry appliedAt(long index) {
        return applied.get(index);
    }

    Map<Long, Entry> appliedLog() {
        return applied;
    }

    static void require(boolean condition, String violation) {
        if (!condition) {
            throw new AssertionError("invariant violated: " + violation);
        }
    }
}
