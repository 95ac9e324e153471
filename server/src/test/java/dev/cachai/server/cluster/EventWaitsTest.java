package dev.cachai.server.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ArrayBlockingQueue;

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

    @Test
    void pollsThatFindNothingPauseThePollingForLongerEachTime() {
        EventWaits waits = serial();
        assertThat(waits.spinsThisRound()).isTrue();
        waits.spinFound(false);
        assertThat(parkedRoundsBeforeNextPoll(waits)).isEqualTo(1);
        waits.spinFound(false);
        assertThat(parkedRoundsBeforeNextPoll(waits)).isEqualTo(2);
        waits.spinFound(false);
        assertThat(parkedRoundsBeforeNextPoll(waits)).isEqualTo(4);
        for (int i = 0; i < 10; i++) {
            waits.spinFound(false);
            parkedRoundsBeforeNextPoll(waits);
        }
        waits.spinFound(false);
        assertThat(parkedRoundsBeforeNextPoll(waits)).isEqualTo(EventWaits.ROUNDS_WITHOUT_SPIN_MAX);
    }

    @Test
    void aPollThatFindsAnEventKeepsThePollingOnEveryRound() {
        EventWaits waits = serial();
        waits.spinFound(false);
        waits.spinFound(false);
        parkedRoundsBeforeNextPoll(waits);
        waits.spinFound(true);
        assertThat(waits.spinsThisRound()).isTrue();
        assertThat(waits.spinsThisRound()).isTrue();
        waits.spinFound(false);
        assertThat(parkedRoundsBeforeNextPoll(waits)).isEqualTo(1);
    }

    @Test
    void aLoopThatTimesOutInAVainPollStillGetsItsEvent() throws InterruptedException {
        EventWaits waits = serial();
        ArrayBlockingQueue<String> events = new ArrayBlockingQueue<>(4);
        assertThat(waits.next(events, 0)).isNull();
        events.add("a");
        assertThat(waits.spinsThisRound()).isFalse();
        assertThat(waits.next(events, 0)).isEqualTo("a");
    }

    /** Counts the rounds that park at once until one polls again (that round's poll is consumed). */
    private static int parkedRoundsBeforeNextPoll(EventWaits waits) {
        int parked = 0;
        while (!waits.spinsThisRound()) {
            parked++;
        }
        return parked;
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
