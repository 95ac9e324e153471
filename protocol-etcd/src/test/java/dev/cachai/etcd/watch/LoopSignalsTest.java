package dev.cachai.etcd.watch;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class LoopSignalsTest {
    /** The event loop's task queue, run by hand. */
    private final Queue<Runnable> loopTasks = new ArrayDeque<>();
    private final List<String> drained = new ArrayList<>();

    private LoopSignals<String> signals(Consumer<String> drain) {
        return new LoopSignals<>(loopTasks::add, drain);
    }

    private void runLoop() {
        Runnable task;
        while ((task = loopTasks.poll()) != null) {
            task.run();
        }
    }

    @Test
    void aRevisionForEveryStreamOfALoopIsOneTaskThatDrainsEachOnce() {
        LoopSignals<String> signals = signals(drained::add);
        signals.signal("a");
        signals.signal("b");
        signals.signal("a");
        signals.signal("c");
        assertThat(loopTasks).hasSize(1);
        runLoop();
        assertThat(drained).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aStreamSignalledWhileItsLoopDrainsIsDrainedAgain() {
        List<LoopSignals<String>> self = new ArrayList<>();
        LoopSignals<String> signals = signals(stream -> {
            drained.add(stream);
            if (drained.size() == 1) {
                self.get(0).signal(stream); // more arrived for it meanwhile
            }
        });
        self.add(signals);
        signals.signal("a");
        runLoop();
        assertThat(drained).containsExactly("a", "a");
        assertThat(loopTasks).isEmpty();
    }

    @Test
    void signalsAfterATaskRanScheduleTheNext() {
        LoopSignals<String> signals = signals(drained::add);
        signals.signal("a");
        runLoop();
        signals.signal("a");
        assertThat(loopTasks).hasSize(1);
        runLoop();
        assertThat(drained).containsExactly("a", "a");
    }

    @Test
    void aVisibleRevisionCountsTheLoopOnceHoweverManyOfItsStreamsItReaches() {
        LoopSignals<String> signals = signals(drained::add);
        assertThat(signals.signalVisible("a", 7)).isTrue();
        assertThat(signals.signalVisible("b", 7)).isFalse();
        assertThat(signals.signalVisible("a", 8)).as("the next revision").isTrue();
        runLoop();
        assertThat(drained).containsExactlyInAnyOrder("a", "b");
    }
}
