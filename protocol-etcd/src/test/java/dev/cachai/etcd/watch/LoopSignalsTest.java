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
    void aRevisionQueuesItsStreamsAndWakesTheLoopOnceAfterAll() {
        LoopSignals<String> signals = signals(drained::add);
        signals.queue("a");
        signals.queue("b");
        assertThat(loopTasks).as("nothing scheduled while the revision queues").isEmpty();
        assertThat(signals.scheduleQueued()).isTrue();
        assertThat(signals.scheduleQueued()).as("queued still, one task already on its way").isTrue();
        assertThat(loopTasks).hasSize(1);
        runLoop();
        assertThat(drained).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aLoopWithNothingQueuedIsNotWoken() {
        LoopSignals<String> signals = signals(drained::add);
        assertThat(signals.scheduleQueued()).isFalse();
        signals.queue("a");
        signals.scheduleQueued();
        runLoop();
        assertThat(signals.scheduleQueued()).as("drained").isFalse();
        assertThat(loopTasks).isEmpty();
        assertThat(drained).containsExactly("a");
    }

    @Test
    void aStreamQueuedWhileATaskIsPendingIsDrainedByThatTask() {
        LoopSignals<String> signals = signals(drained::add);
        signals.signal("a");
        signals.queue("b");
        signals.scheduleQueued();
        assertThat(loopTasks).hasSize(1);
        runLoop();
        assertThat(drained).containsExactlyInAnyOrder("a", "b");
    }
}
