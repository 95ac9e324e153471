package dev.cachai.zk;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkQuota;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * ZooKeeper's "Quota exceeded" warnings: a member enforcing quotas logs a write that passes a
 * soft or hard limit (the engine decides the outcome; this only tells the operator), at most one
 * line per interval with a count of the lines held back, as ZooKeeper's rate-limited logger does.
 */
final class QuotaWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(QuotaWarnings.class);
    private static final long INTERVAL_NANOS_MIN = 1_000_000_000L;

    private final Engine engine;
    private final AtomicLong lastNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS_MIN);
    private final AtomicLong heldBack = new AtomicLong();

    QuotaWarnings(Engine engine) {
        this.engine = engine;
    }

    /** Logs what the quotas say of {@code op} as the state stands now (creates and setData only). */
    void check(ZkOp op) {
        ZkQuota.Verdict verdict;
        if (op instanceof ZkOp.Create c) {
            verdict = engine.zkQuotaCheck(c.path(), length(c.data()), 1);
        } else if (op instanceof ZkOp.SetData sd) {
            ZkNode current = engine.zkNode(sd.path());
            if (current == null) {
                return;
            }
            verdict = engine.zkQuotaCheck(sd.path(), length(sd.data()) - current.stat().dataLength(), 0);
        } else {
            return;
        }
        if (verdict.warning() != null) {
            warn(verdict.warning());
        }
    }

    private void warn(String line) {
        long now = System.nanoTime();
        long last = lastNanos.get();
        if (now - last < INTERVAL_NANOS_MIN || !lastNanos.compareAndSet(last, now)) {
            heldBack.incrementAndGet();
            return;
        }
        long skipped = heldBack.getAndSet(0);
        if (skipped > 0) {
            LOG.warn("{} ({} more quota warnings held back)", line, skipped);
        } else {
            LOG.warn(line);
        }
    }

    private static long length(byte[] data) {
        return data == null ? 0 : data.length;
    }
}
