package dev.cachai.zk.admin;

import java.util.concurrent.atomic.LongAdder;

/** Counters for the four-letter words (reset by srst). */
public final class ServerStats {
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();

    public void received() {
        received.increment();
    }

    public void sent() {
        sent.increment();
    }

    public long receivedCount() {
        return received.sum();
    }

    public long sentCount() {
        return sent.sum();
    }

    public void reset() {
        received.reset();
        sent.reset();
    }
}
