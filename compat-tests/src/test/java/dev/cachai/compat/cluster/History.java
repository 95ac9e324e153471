package dev.cachai.compat.cluster;

import dev.cachai.consensus.linearizability.LinearizabilityChecker;
import dev.cachai.consensus.linearizability.Register;
import dev.cachai.consensus.linearizability.Timed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What many clients did to a few registers (keys), each operation with the times it was invoked
 * and answered, in microseconds since the history began. A write or compare-and-set without an
 * answer is kept with an unknown outcome (it may or may not have taken effect); a read without an
 * answer is dropped (it changed nothing).
 */
final class History {
    /** Every key starts with this value, written before any client runs. */
    static final String INITIAL = "init";
    /** Operations kept; a run that does more fails its check rather than growing without bound. */
    static final int OPS_RECORDED_MAX = 100_000;

    /** One operation; {@code member} is the member the client was connected to. */
    record Recorded(String key, int member, Timed<Register.Op> timed) {}

    private final long startNanos = System.nanoTime();
    private final ConcurrentLinkedQueue<Recorded> ops = new ConcurrentLinkedQueue<>();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger recordedCount = new AtomicInteger();

    long nowMicros() {
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
    }

    void answered(String key, int member, long invokedAt, Register.Op op) {
        add(new Recorded(key, member, new Timed<>(invokedAt, nowMicros(), op)));
        answered.incrementAndGet();
    }

    void unknown(String key, int member, long invokedAt, Register.Op op) {
        if (op.kind() != Register.Kind.READ) {
            add(new Recorded(key, member, new Timed<>(invokedAt, Timed.UNKNOWN, op)));
        }
    }

    private void add(Recorded r) {
        if (recordedCount.incrementAndGet() <= OPS_RECORDED_MAX) {
            ops.add(r);
        }
    }

    int answeredCount() {
        return answered.get();
    }

    List<Recorded> recorded() {
        return List.copyOf(ops);
    }

    /** Fails with the offending operations if some key's history has no valid sequential order. */
    void assertLinearizable() {
        assertThat(recordedCount.get()).as("operations recorded (the rest were not kept)")
                .isLessThanOrEqualTo(OPS_RECORDED_MAX);
        Map<String, List<Timed<Register.Op>>> byKey = byKey();
        int unknown = 0;
        for (Map.Entry<String, List<Timed<Register.Op>>> key : byKey.entrySet()) {
            var verdict = LinearizabilityChecker.check(new Register(INITIAL), key.getValue());
            assertThat(verdict.linearizable()).as("history of %s (%d ops) is %s", key.getKey(),
                    key.getValue().size(), verdict.describe()).isTrue();
            unknown += (int) key.getValue().stream().filter(t -> !t.outcomeKnown()).count();
        }
        System.out.printf("HISTORY: %d answered ops and %d writes of unknown outcome on %d keys: linearizable%n",
                answeredCount(), unknown, byKey.size());
    }

    /**
     * The final value of each key (read from every member after the run) must come from the last
     * acknowledged write or a later one: no acknowledged write may start after the final value's
     * write was acknowledged, or that later write was lost.
     */
    void assertNoAcknowledgedWriteLost(Map<String, String> finalValues) {
        for (Map.Entry<String, String> key : finalValues.entrySet()) {
            List<Timed<Register.Op>> writes = byKey().getOrDefault(key.getKey(), List.of()).stream()
                    .filter(t -> t.op().kind() == Register.Kind.WRITE || t.op().kind() == Register.Kind.CAS)
                    .toList();
            long finalWrittenBy = INITIAL.equals(key.getValue()) ? -1 : writes.stream()
                    .filter(t -> Objects.equals(t.op().value(), key.getValue())).findFirst()
                    .map(Timed::answeredAt).orElseThrow(() -> new AssertionError(
                            key.getKey() + " holds " + key.getValue() + ", which no client wrote"));
            List<Timed<Register.Op>> lost = writes.stream()
                    .filter(t -> t.outcomeKnown() && t.invokedAt() > finalWrittenBy).toList();
            assertThat(lost).as("acknowledged writes to %s after the one holding its final value %s",
                    key.getKey(), key.getValue()).isEmpty();
        }
    }

    private Map<String, List<Timed<Register.Op>>> byKey() {
        Map<String, List<Timed<Register.Op>>> byKey = new HashMap<>();
        for (Recorded r : ops) {
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.timed());
        }
        return byKey;
    }
}
