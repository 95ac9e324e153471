package dev.cachai.zk;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PollingSelectStrategyTest {
    private long nowNanos = 1_000_000_000L;
    private final PollingSelectStrategy strategy = new PollingSelectStrategy(() -> nowNanos);

    private int idleRound() throws Exception {
        return strategy.calculateStrategy(() -> 0, false);
    }

    /** One round that found work: {@code requests} arrived from {@code connection}. */
    private void workRound(Object connection, int requests) throws Exception {
        assertEquals(1, strategy.calculateStrategy(() -> 1, false), "a ready channel is handled at once");
        for (int i = 0; i < requests; i++) {
            PollingSelectStrategy.requestReceived(connection);
        }
    }

    @Test
    void aLoopWithoutASerialClientBlocksInItsSelector() throws Exception {
        assertEquals(SelectStrategy.SELECT, idleRound());
        Object a = new Object();
        Object b = new Object();
        for (int i = 0; i < 10; i++) {
            workRound(i % 2 == 0 ? a : b, 1);
        }
        assertEquals(SelectStrategy.SELECT, idleRound(), "two clients taking turns: no polling");
    }

    @Test
    void aSerialClientKeepsTheLoopPollingForARoundTrip() throws Exception {
        idleRound();
        Object client = new Object();
        workRound(client, PollingSelectStrategy.SERIAL_TURNS_MIN + 1);
        assertEquals(SelectStrategy.CONTINUE, idleRound());
        nowNanos += PollingSelectStrategy.POLL_IDLE_NANOS_MAX - 1;
        assertEquals(SelectStrategy.CONTINUE, idleRound());
        nowNanos += 1;
        assertEquals(SelectStrategy.SELECT, idleRound(), "nothing came for a round trip: block");
        workRound(new Object(), 1);
        assertEquals(SelectStrategy.SELECT, idleRound(), "another client's request ends the serial run");
    }

    @Test
    void aRepliesOwedWindowCoversALogSync() throws Exception {
        idleRound();
        Object client = new Object();
        workRound(client, PollingSelectStrategy.SERIAL_TURNS_MIN + 1);
        PollingSelectStrategy.replyAwaited();
        nowNanos += PollingSelectStrategy.POLL_AWAITING_NANOS_MAX - 1;
        assertEquals(SelectStrategy.CONTINUE, idleRound(), "a reply is owed: keep polling through the sync");
        nowNanos += 1;
        assertEquals(SelectStrategy.SELECT, idleRound());
        assertEquals(0, strategy.calculateStrategy(() -> 0, true), "queued tasks run without blocking");
        PollingSelectStrategy.replyArrived(client);
        nowNanos += PollingSelectStrategy.POLL_IDLE_NANOS_MAX;
        assertEquals(SelectStrategy.SELECT, idleRound(), "no reply owed: back to the round-trip window");
    }

    @Test
    void hooksOffAnEventLoopChangeNothing() throws Exception {
        Thread other = new Thread(() -> {
            for (int i = 0; i < 10; i++) {
                PollingSelectStrategy.requestReceived(this);
            }
        });
        other.start();
        other.join();
        idleRound();
        workRound(this, 1);
        assertEquals(SelectStrategy.SELECT, idleRound(), "calls on a thread that is no loop are ignored");
    }
}
