package dev.cachai.server.cluster;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class EventWaitsTest {
    private static final long NOW = 1_000_000_000L;

    @Test
    void spinsOnlyAfterEnoughRoundsOfOneEvent() {
        EventWaits waits = new EventWaits();
        for (int i = 1; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1, NOW);
            assertThat(waits.spinning()).isFalse();
        }
        waits.roundTook(1, NOW);
        assertThat(waits.spinning()).isTrue();
        waits.roundTook(1, NOW);
        assertThat(waits.spinning()).isTrue();
    }

    @Test
    void concurrentRequestsOrARoundWithoutEventsStopTheSpinning() {
        EventWaits waits = serial();
        waits.roundTook(3, NOW);
        assertThat(waits.spinning()).isFalse();
        waits = serial();
        waits.roundTook(0, NOW);
        assertThat(waits.spinning()).isFalse();
    }

    @Test
    void roundsThatHandedRevisionsToWatchersStopTheSpinningUntilAStreakComesBack() throws Exception {
        AtomicLong wideFanOuts = new AtomicLong();
        EventWaits waits = new EventWaits();
        waits.follow(wideFanOuts::get);
        for (int i = 0; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1, NOW);
        }
        assertThat(waits.spinning()).isTrue();
        wideFanOuts.incrementAndGet(); // the last round's write went to watch streams on several loops
        assertThat(waits.idleStrategy(new Polls(0), NOW + 1)).isEqualTo(SelectStrategy.SELECT);
        assertThat(waits.spinning()).isFalse();
        for (int i = 1; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1, NOW);
        }
        assertThat(waits.spinning()).isFalse();
        waits.roundTook(1, NOW);
        assertThat(waits.spinning()).isTrue();
    }

    /** A loop with tasks always looks at its sockets without blocking, spinning or not. */
    @Test
    void queuedTasksNeverWaitInSelect() throws Exception {
        for (EventWaits waits : new EventWaits[] {new EventWaits(), serial()}) {
            Polls polls = new Polls(2);
            assertThat(waits.calculateStrategy(polls, true)).isEqualTo(2);
            assertThat(polls.count.get()).isEqualTo(1);
        }
    }

    /**
     * Spinning, the idle loop polls its sockets (and comes back for its task queue) until
     * {@link EventWaits#SPIN_NANOS_MAX} after its last round, then sleeps in select; a loop that
     * is not spinning sleeps at once.
     */
    @Test
    void aSpinningLoopPollsUntilItsWindowEndsThenSleeps() throws Exception {
        Polls polls = new Polls(1);
        assertThat(new EventWaits().idleStrategy(polls, NOW + 1)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls.count.get()).isZero();

        EventWaits waits = serial();
        assertThat(waits.idleStrategy(polls, NOW + 1)).isEqualTo(1);
        assertThat(waits.idleStrategy(polls, NOW + EventWaits.SPIN_NANOS_MAX - 1)).isEqualTo(1);
        assertThat(polls.count.get()).isEqualTo(2);
        assertThat(waits.idleStrategy(polls, NOW + EventWaits.SPIN_NANOS_MAX)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls.count.get()).isEqualTo(2);
    }

    /** A non-blocking select that finds {@code ready} sockets ready, counting its calls. */
    private static final class Polls implements IntSupplier {
        private final int ready;
        final AtomicInteger count = new AtomicInteger();

        Polls(int ready) {
            this.ready = ready;
        }

        @Override
        public int get() {
            count.incrementAndGet();
            return ready;
        }
    }

    /** Serial rounds enough to spin, the last one ending at {@link #NOW}. */
    private static EventWaits serial() {
        EventWaits waits = new EventWaits();
        for (int i = 0; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1, NOW);
        }
        return waits;
    }
}
