package dev.cachai.consensus.sim;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a single-register history for linearizability, Wing-Gong style with Lowe's memo of
 * (linearized set, state): look for an order that respects real time and register semantics.
 * An operation whose outcome is unknown has {@code responseTick == Long.MAX_VALUE}: it may
 * take effect at any point after its invocation, or never.
 */
final class LinearizabilityChecker {

    /** {@code value} is what a put wrote or what a get returned (null: the key was absent). */
    record Op(long invokeTick, long responseTick, boolean isPut, String value) {
        boolean outcomeKnown() {
            return responseTick != Long.MAX_VALUE;
        }
    }

    private final List<Op> ops;
    private final Set<String> explored = new HashSet<>();
    private final int completedCount;

    private LinearizabilityChecker(List<Op> ops) {
        this.ops = ops;
        this.completedCount = (int) ops.stream().filter(Op::outcomeKnown).count();
    }

    static boolean isLinearizable(List<Op> ops) {
        return new LinearizabilityChecker(ops).search(new BitSet(ops.size()), 0, null);
    }

    private boolean search(BitSet done, int completedDone, String state) {
        if (completedDone == completedCount) {
            return true;
        }
        if (!explored.add(done + "|" + state)) {
            return false;
        }
        long earliestResponse = Long.MAX_VALUE;
        for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
            earliestResponse = Math.min(earliestResponse, ops.get(i).responseTick());
        }
        for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
            Op op = ops.get(i);
            if (op.invokeTick() > earliestResponse) {
                continue;
            }
            if (!op.isPut() && !Objects.equals(op.value(), state)) {
                continue;
            }
            done.set(i);
            String next = op.isPut() ? op.value() : state;
            boolean found = search(done, completedDone + (op.outcomeKnown() ? 1 : 0), next);
            done.clear(i);
            if (found) {
                return true;
            }
        }
        return false;
    }
}
