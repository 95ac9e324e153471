package dev.cachai.server.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class EventWaitsTest {

    @Test
    void spinsOnlyAfterEnoughRoundsOfOneEvent() {
        EventWaits waits = new EventWaits();
        for (int i = 1; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1);
            assertThat(waits.spinning()).isFalse();
        }
        waits.roundTook(1);
        assertThat(waits.spinning()).isTrue();
        waits.roundTook(1);
        assertThat(waits.spinning()).isTrue();
    }

    @Test
    void concurrentRequestsOrAnIdleTimeoutStopTheSpinning() {
        EventWaits waits = serial();
        waits.roundTook(3);
        assertThat(waits.spinning()).isFalse();
        waits = serial();
        waits.roundTook(0);
        assertThat(waits.spinning()).isFalse();
    }

    @Test
    void roundsThatHandedRevisionsToWatchersStopTheSpinningUntilAStreakComesBack() throws InterruptedException {
        AtomicLong wideFanOuts = new AtomicLong();
        EventWaits waits = new EventWaits(wideFanOuts::get);
        for (int i = 0; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1);
        }
        assertThat(waits.spinning()).isTrue();
        wideFanOuts.incrementAndGet(); // the last round's write went to watch streams on several loops
        ArrayBlockingQueue<String> events = new ArrayBlockingQueue<>(1);
        events.add("next write");
        assertThat(waits.next(events, 0)).isEqualTo("next write");
        assertThat(waits.spinning()).isFalse();
        for (int i = 1; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1);
        }
        assertThat(waits.spinning()).isFalse();
        waits.roundTook(1);
        assertThat(waits.spinning()).isTrue();
    }

    @Test
    void spinningOrNotTheNextEventIsTakenAndAnEmptyQueueTimesOut() throws InterruptedException {
        for (EventWaits waits : new EventWaits[] {new EventWaits(), serial()}) {
            ArrayBlockingQueue<String> events = new ArrayBlockingQueue<>(4);
            events.add("a");
            events.add("b");
            assertThat(waits.next(events, 0)).isEqualTo("a");
            assertThat(waits.next(events, 0)).isEqualTo("b");
            assertThat(waits.next(events, 0)).isNull();
        }
    }

    /**
     * An event that turns up while the loop polls is taken without waiting; a loop that is not
     * polling waits (here: not at all) and misses it. The queue hands its event to the second
     * non-blocking poll, as one arriving just after the loop first looked.
     */
    @Test
    void aSpinningLoopTakesAnEventThatArrivesWhileItPolls() throws InterruptedException {
        assertThat(new EventWaits().next(new ArrivesOnSecondLook(), 0)).isNull();
        assertThat(serial().next(new ArrivesOnSecondLook(), 0)).isEqualTo("late");
    }

    /** Empty at the first non-blocking poll, which makes "late" arrive; timed polls see it only if it came. */
    private static final class ArrivesOnSecondLook extends ArrayBlockingQueue<String> {
        private boolean looked;

        ArrivesOnSecondLook() {
            super(1);
        }

        @Override
        public String poll() {
            String e = super.poll();
            if (e == null && !looked) {
                looked = true;
                add("late");
            }
            return e;
        }
    }

    private static EventWaits serial() {
        EventWaits waits = new EventWaits();
        for (int i = 0; i < EventWaits.SERIAL_ROUNDS_MIN; i++) {
            waits.roundTook(1);
        }
        return waits;
    }
}
