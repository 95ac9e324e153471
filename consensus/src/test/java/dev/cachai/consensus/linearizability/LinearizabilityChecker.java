package dev.cachai.consensus.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Checks a history against a {@link Model} for linearizability, Wing-Gong style with Lowe's memo of
 * (operations linearized, state): a depth-first search for an order that respects real time (an
 * operation goes before every operation invoked after it answered) and the model. Operations with
 * an unknown outcome may be placed anywhere after their invocation or left out. Iterative, so
 * histories of thousands of operations do not need a deep stack.
 */
public final class LinearizabilityChecker<S, O> {
    /** Operations of the deepest linearization shown before the point where the search got stuck. */
    private static final int TAIL_SHOWN_MAX = 12;
    /**
     * (operations done, state) pairs remembered before the search gives up: each holds a bit per
     * operation, so this bounds memory; real histories need about one per operation.
     */
    public static final int EXPLORED_STATES_MAX = 1_000_000;

    /**
     * The answer. When the history is not linearizable: the longest order the search found, its
     * last operations ({@code linearizedTail}), the state they left, and the operations that could
     * have come next but none of which the model allows there ({@code stuck}): the offending part.
     */
    public record Verdict<S, O>(boolean linearizable, int linearizedCount, List<Timed<O>> linearizedTail,
                                S stateAtDeepest, List<Timed<O>> stuck) {
        public String describe() {
            if (linearizable) {
                return "linearizable";
            }
            StringBuilder text = new StringBuilder("not linearizable; longest valid order has ")
                    .append(linearizedCount).append(" operations, ending with:\n");
            linearizedTail.forEach(t -> text.append("    ").append(t).append('\n'));
            text.append("  leaving state ").append(stateAtDeepest)
                    .append("; none of these can come next:\n");
            stuck.forEach(t -> text.append("    ").append(t).append('\n'));
            return text.toString();
        }
    }

    private record Explored<S>(BitSet done, S state) {}

    private record Frame<S>(int op, S stateBefore) {}

    private final Model<S, O> model;
    private final List<Timed<O>> ops;
    private final int knownCount;
    /** Operation indices by answer time, and which of those positions are linearized: the earliest
     *  pending answer is then one word scan away instead of a pass over every operation. */
    private final int[] byAnswer;
    private final int[] answerRank;
    private final BitSet doneByAnswer;
    private final Set<Explored<S>> explored = new HashSet<>();
    private final int exploredMax;
    private int[] deepest = new int[0];

    private LinearizabilityChecker(Model<S, O> model, List<Timed<O>> history, int exploredMax) {
        this.model = model;
        this.exploredMax = exploredMax;
        this.ops = new ArrayList<>(history);
        this.ops.sort(Comparator.comparingLong(Timed::invokedAt));
        this.knownCount = (int) ops.stream().filter(Timed::outcomeKnown).count();
        this.byAnswer = IntStream.range(0, ops.size()).boxed()
                .sorted(Comparator.comparingLong(i -> ops.get(i).answeredAt())).mapToInt(Integer::intValue).toArray();
        this.answerRank = new int[ops.size()];
        for (int rank = 0; rank < byAnswer.length; rank++) {
            answerRank[byAnswer[rank]] = rank;
        }
        this.doneByAnswer = new BitSet(ops.size());
    }

    /** Throws {@link IllegalStateException} when the search needs more than {@link #EXPLORED_STATES_MAX}. */
    public static <S, O> Verdict<S, O> check(Model<S, O> model, List<Timed<O>> history) {
        return check(model, history, EXPLORED_STATES_MAX);
    }

    static <S, O> Verdict<S, O> check(Model<S, O> model, List<Timed<O>> history, int exploredMax) {
        return new LinearizabilityChecker<>(model, history, exploredMax).search();
    }

    public static <S, O> boolean isLinearizable(Model<S, O> model, List<Timed<O>> history) {
        return check(model, history).linearizable();
    }

    private Verdict<S, O> search() {
        BitSet done = new BitSet(ops.size());
        Deque<Frame<S>> stack = new ArrayDeque<>();
        S state = model.initial();
        int knownDone = 0;
        int from = 0;
        while (knownDone < knownCount) {
            int next = nextCandidate(done, state, from);
            if (next >= 0) {
                Timed<O> op = ops.get(next);
                stack.push(new Frame<>(next, state));
                done.set(next);
                doneByAnswer.set(answerRank[next]);
                state = model.apply(state, op.op());
                knownDone += op.outcomeKnown() ? 1 : 0;
                from = 0;
                rememberIfDeepest(stack);
                continue;
            }
            if (stack.isEmpty()) {
                return failure();
            }
            Frame<S> back = stack.pop();
            done.clear(back.op());
            doneByAnswer.clear(answerRank[back.op()]);
            state = back.stateBefore();
            knownDone -= ops.get(back.op()).outcomeKnown() ? 1 : 0;
            from = back.op() + 1;
        }
        return new Verdict<>(true, stack.size(), List.of(), state, List.of());
    }

    /**
     * The first operation at or after {@code from} that may come next: invoked before every
     * pending operation's answer, allowed by the model, and leading somewhere not yet explored.
     */
    private int nextCandidate(BitSet done, S state, int from) {
        long earliestAnswer = earliestPendingAnswer();
        for (int i = done.nextClearBit(from); i < ops.size(); i = done.nextClearBit(i + 1)) {
            Timed<O> op = ops.get(i);
            if (op.invokedAt() > earliestAnswer) {
                return -1; // sorted by invocation: no later operation can come next either
            }
            if (!model.allows(state, op.op())) {
                continue;
            }
            BitSet after = (BitSet) done.clone();
            after.set(i);
            if (explored.add(new Explored<>(after, model.apply(state, op.op())))) {
                if (explored.size() > exploredMax) {
                    throw new IllegalStateException("gave up after " + exploredMax + " states on a history of "
                            + ops.size() + " operations: too many concurrent or unanswered ones to decide");
                }
                return i;
            }
        }
        return -1;
    }

    private long earliestPendingAnswer() {
        int rank = doneByAnswer.nextClearBit(0);
        return rank < byAnswer.length ? ops.get(byAnswer[rank]).answeredAt() : Timed.UNKNOWN;
    }

    private void rememberIfDeepest(Deque<Frame<S>> stack) {
        if (stack.size() <= deepest.length) {
            return;
        }
        deepest = new int[stack.size()];
        int i = stack.size();
        for (Frame<S> f : stack) {
            deepest[--i] = f.op(); // the stack iterates newest first
        }
    }

    private Verdict<S, O> failure() {
        BitSet done = new BitSet(ops.size());
        doneByAnswer.clear();
        S state = model.initial();
        List<Timed<O>> order = new ArrayList<>();
        for (int i : deepest) {
            done.set(i);
            doneByAnswer.set(answerRank[i]);
            state = model.apply(state, ops.get(i).op());
            order.add(ops.get(i));
        }
        long earliestAnswer = earliestPendingAnswer();
        List<Timed<O>> stuck = new ArrayList<>();
        for (int i = done.nextClearBit(0); i < ops.size() && ops.get(i).invokedAt() <= earliestAnswer;
                i = done.nextClearBit(i + 1)) {
            stuck.add(ops.get(i));
        }
        List<Timed<O>> tail = order.subList(Math.max(0, order.size() - TAIL_SHOWN_MAX), order.size());
        return new Verdict<>(false, order.size(), List.copyOf(tail), state, stuck);
    }
}
