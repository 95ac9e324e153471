package dev.cachai.netty;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyWaitsTest {
    private static final long T0 = 1_000_000_000L;

    /** A serial client's first requests: each begins and is answered alone on the loop. */
    private static ReplyWaits afterSerialReplies(int count) {
        return afterSerialReplies(new ReplyWaits(new AtomicInteger()), count);
    }

    private static ReplyWaits afterSerialReplies(ReplyWaits waits, int count) {
        for (int i = 0; i < count; i++) {
            waits.awaiting(T0);
            waits.arrived(T0);
        }
        return waits;
    }

    @Test
    void pollsOnlyOnceASerialClientShowedItselfAndNotPastTheLimit() {
        ReplyWaits waits = afterSerialReplies(ReplyWaits.ALONE_STREAK_MIN - 1);
        assertThat(waits.polling(T0)).as("nothing awaited").isFalse();
        waits.awaiting(T0);
        assertThat(waits.polling(T0)).isTrue();
        assertThat(waits.polling(T0 + ReplyWaits.POLL_NANOS_MAX - 1)).isTrue();
        assertThat(waits.polling(T0 + ReplyWaits.POLL_NANOS_MAX)).as("past the limit").isFalse();
        waits.arrived(T0);
        assertThat(waits.polling(T0 + 1)).as("the reply arrived").isFalse();
    }

    @Test
    void tooShortAStreakDoesNotPoll() {
        ReplyWaits waits = afterSerialReplies(ReplyWaits.ALONE_STREAK_MIN - 2);
        waits.awaiting(T0);
        assertThat(waits.polling(T0)).isFalse();
    }

    @Test
    void concurrentCallsOnOneLoopStopThePollingUntilAStreakComesBack() {
        ReplyWaits waits = afterSerialReplies(ReplyWaits.ALONE_STREAK_MIN);
        waits.awaiting(T0);
        waits.awaiting(T0 + 10);
        assertThat(waits.polling(T0 + 20)).as("two awaited").isFalse();
        waits.arrived(T0);
        assertThat(waits.polling(T0 + 30)).as("one left, but a second client showed up").isFalse();
        waits.arrived(T0);
        for (int i = 0; i < ReplyWaits.ALONE_STREAK_MIN - 1; i++) {
            waits.awaiting(T0 + 40);
            waits.arrived(T0);
        }
        waits.awaiting(T0 + 50);
        assertThat(waits.polling(T0 + 60)).isTrue();
    }

    @Test
    void aReplyAwaitedOnAnotherLoopOfThePortStopsThePolling() {
        AtomicInteger port = new AtomicInteger();
        ReplyWaits one = new ReplyWaits(port);
        ReplyWaits two = new ReplyWaits(port);
        afterSerialReplies(one, ReplyWaits.ALONE_STREAK_MIN);
        two.awaiting(T0);
        one.awaiting(T0);
        assertThat(one.polling(T0 + 1)).as("each loop awaits one reply, the port two").isFalse();
        two.arrived(T0);
        assertThat(one.polling(T0 + 2)).as("began beside another: the streak starts again").isFalse();
    }

    @Test
    void aWriteToldToWatchersOnSeveralThreadsEndsTheStreak() {
        AtomicLong wideFanOuts = new AtomicLong();
        ReplyWaits waits = new ReplyWaits(new AtomicInteger(), new AtomicLong(), wideFanOuts::get);
        afterSerialReplies(waits, ReplyWaits.ALONE_STREAK_MIN);
        waits.awaiting(T0);
        assertThat(waits.polling(T0 + 1)).isTrue();
        wideFanOuts.incrementAndGet(); // the write's events went to streams on several loops
        waits.arrived(T0 + 2);
        waits.awaiting(T0 + 3);
        assertThat(waits.polling(T0 + 4)).as("watchers were told of the last write").isFalse();
        waits.arrived(T0 + 5);
        afterSerialReplies(waits, ReplyWaits.ALONE_STREAK_MIN - 2);
        waits.awaiting(T0 + 6);
        assertThat(waits.polling(T0 + 7)).as("serial writes without watchers again").isTrue();
    }

    @Test
    void theLoopsOfOnePortShareTheirCount() {
        SelectStrategyFactory port = ReplyWaits.factory(() -> 0);
        ReplyWaits one = (ReplyWaits) port.newSelectStrategy();
        ReplyWaits two = (ReplyWaits) port.newSelectStrategy();
        afterSerialReplies(one, ReplyWaits.ALONE_STREAK_MIN);
        two.awaiting(T0);
        one.awaiting(T0);
        assertThat(one.polling(T0 + 1)).as("another loop of the port awaits a reply too").isFalse();
        ReplyWaits otherPort = (ReplyWaits) ReplyWaits.factory(() -> 0).newSelectStrategy();
        afterSerialReplies(otherPort, ReplyWaits.ALONE_STREAK_MIN);
        otherPort.awaiting(T0);
        assertThat(otherPort.polling(T0 + 1)).as("another port's replies do not count").isTrue();
    }

    /** A serial client's reads: each begins and is answered by the loop itself, alone on the port. */
    private static ReplyWaits afterSerialReads(ReplyWaits waits, int count) {
        waits.answered(T0); // the call before: the first one counts only once an answer came before it
        for (int i = 0; i < count; i++) {
            waits.callBegun(T0);
            waits.answered(T0);
        }
        return waits;
    }

    @Test
    void aLoopThatAnsweredASerialClientPollsForItsNextCallUntilItComesOrTheLimit() {
        ReplyWaits waits = afterSerialReads(new ReplyWaits(new AtomicInteger()), ReplyWaits.ALONE_STREAK_MIN - 1);
        assertThat(waits.polling(T0)).as("too short a streak").isFalse();
        afterSerialReads(waits, 1);
        assertThat(waits.polling(T0)).isTrue();
        assertThat(waits.polling(T0 + ReplyWaits.NEXT_CALL_POLL_NANOS_MAX - 1)).isTrue();
        assertThat(waits.polling(T0 + ReplyWaits.NEXT_CALL_POLL_NANOS_MAX)).as("past the limit").isFalse();
        waits.answered(T0 + 10);
        waits.callBegun(T0 + 20);
        assertThat(waits.polling(T0 + 30)).as("the next call came").isFalse();
    }

    @Test
    void aClientThatThinksBetweenItsCallsIsNotPolledFor() {
        ReplyWaits waits = afterSerialReads(new ReplyWaits(new AtomicInteger()), ReplyWaits.ALONE_STREAK_MIN);
        long later = T0 + ReplyWaits.NEXT_CALL_POLL_NANOS_MAX;
        waits.callBegun(later);
        waits.answered(later);
        assertThat(waits.polling(later)).as("the call came after the poll would have ended").isFalse();
        for (int i = 0; i < ReplyWaits.ALONE_STREAK_MIN; i++) {
            waits.callBegun(later + 1);
            waits.answered(later + 1);
        }
        assertThat(waits.polling(later + 1)).as("back to back again").isTrue();
    }

    @Test
    void aWriteAmongASerialClientsReadsKeepsItsStreakButIsNotFollowedByAPoll() {
        ReplyWaits waits = afterSerialReads(new ReplyWaits(new AtomicInteger()), ReplyWaits.ALONE_STREAK_MIN);
        waits.callBegun(T0 + 10);
        waits.awaiting(T0 + 10);
        waits.arrived(T0 + 20);
        assertThat(waits.polling(T0 + 30)).as("after a write the consensus loop polls").isFalse();
        waits.callBegun(T0 + 40);
        waits.answered(T0 + 50);
        assertThat(waits.polling(T0 + 60)).as("the read after it").isTrue();
    }

    @Test
    void callsBegunOnOtherLoopsOfThePortMeanNoSerialClient() {
        SelectStrategyFactory port = ReplyWaits.factory(() -> 0);
        ReplyWaits one = (ReplyWaits) port.newSelectStrategy();
        ReplyWaits two = (ReplyWaits) port.newSelectStrategy();
        afterSerialReads(one, ReplyWaits.ALONE_STREAK_MIN);
        assertThat(one.polling(T0)).isTrue();
        two.callBegun(T0);
        one.callBegun(T0);
        one.answered(T0);
        assertThat(one.polling(T0 + 1)).as("another call began on the port since the last answer").isFalse();
        afterSerialReads(one, ReplyWaits.ALONE_STREAK_MIN);
        assertThat(one.polling(T0 + 1)).as("a streak again").isTrue();
    }

    @Test
    void noPollingForANextCallWhileAReplyIsAwaitedOnThePort() {
        AtomicInteger portAwaited = new AtomicInteger();
        ReplyWaits one = afterSerialReads(new ReplyWaits(portAwaited), ReplyWaits.ALONE_STREAK_MIN);
        ReplyWaits two = new ReplyWaits(portAwaited);
        two.awaiting(T0);
        assertThat(one.polling(T0 + 1)).as("another loop awaits a reply: the cores go to its producers").isFalse();
        two.arrived(T0);
        assertThat(one.polling(T0 + 2)).isTrue();
    }

    @Test
    void sleepsInSelectUnlessPollingOrTasksWait() throws Exception {
        ReplyWaits waits = afterSerialReplies(ReplyWaits.ALONE_STREAK_MIN);
        AtomicInteger selectNows = new AtomicInteger();
        assertThat(waits.calculateStrategy(() -> selectNows.incrementAndGet() * 0 + 3, false))
                .isEqualTo(SelectStrategy.SELECT);
        assertThat(selectNows).hasValue(0);
        assertThat(waits.calculateStrategy(() -> selectNows.incrementAndGet() * 0 + 3, true)).isEqualTo(3);
        waits.awaiting(T0);
        assertThat(waits.idleStrategy(() -> selectNows.incrementAndGet() * 0 + 2, T0 + 1)).isEqualTo(2);
        assertThat(selectNows).hasValue(2);
        assertThat(waits.idleStrategy(() -> selectNows.incrementAndGet() * 0 + 2, T0 + ReplyWaits.POLL_NANOS_MAX))
                .as("past the limit").isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void aLoopFindsItsOwnStrategyAndOtherThreadsNone() throws Exception {
        // A fresh thread: calculateStrategy called directly (as above) binds the calling thread.
        CompletableFuture<ReplyWaits> elsewhere = new CompletableFuture<>();
        Thread other = new Thread(() -> elsewhere.complete(ReplyWaits.ofThisLoop()));
        other.start();
        assertThat(elsewhere.get(10, TimeUnit.SECONDS)).isNull();
        try (ServerLoops loops = new ServerLoops("test", 1, () -> 0)) {
            CompletableFuture<ReplyWaits> found = new CompletableFuture<>();
            loops.workers().execute(() -> found.complete(ReplyWaits.ofThisLoop()));
            assertThat(found.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }
}
