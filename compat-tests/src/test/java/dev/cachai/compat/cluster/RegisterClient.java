package dev.cachai.compat.cluster;

import dev.cachai.consensus.linearizability.Register;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One client connected to one member, running reads, blind writes and compare-and-sets on a few
 * keys one at a time and recording each in a {@link History}. Every value written is unique, so a
 * compare-and-set on the version (or revision) a read returned is a compare-and-set on the value
 * that read returned. Subclasses speak a protocol.
 */
abstract class RegisterClient implements Runnable, AutoCloseable {
    /** An operation not answered by then counts as of unknown outcome. */
    static final long OP_TIMEOUT_MS = 3_000;
    /** Pacing after a failure, so a client facing a dead member does not spin a core. */
    private static final long FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int READ_PERCENT = 40;
    private static final int WRITE_PERCENT = 30;

    /** A value and the version the protocol compares on (etcd mod revision, ZooKeeper data version). */
    record Seen(String value, long version) {}

    final String name;
    final int member;
    private final History history;
    private final List<String> keys;
    private final SplittableRandom random;
    private final Map<String, Seen> lastSeen = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    RegisterClient(String name, int member, History history, List<String> keys) {
        this.name = name;
        this.member = member;
        this.history = history;
        this.keys = keys;
        this.random = new SplittableRandom(name.hashCode());
        this.thread = new Thread(this, "client-" + name);
    }

    abstract Seen read(String key) throws Exception;

    abstract void write(String key, String value) throws Exception;

    /** True when the compare matched and the value was written, false when the compare failed. */
    abstract boolean compareAndSet(String key, Seen expected, String value) throws Exception;

    /** Called after an operation failed, e.g. to replace a session the server expired. */
    void recover(Exception failure) throws Exception {}

    RegisterClient start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        for (long seq = 0; !stopped; seq++) {
            String key = keys.get(random.nextInt(keys.size()));
            Seen seen = lastSeen.remove(key);
            int dice = random.nextInt(100);
            String value = name + "-" + seq;
            Register.Op op = seen == null || dice < READ_PERCENT ? Register.read(null)
                    : dice < READ_PERCENT + WRITE_PERCENT ? Register.write(value) : Register.cas(seen.value(), value);
            long invokedAt = history.nowMicros();
            try {
                history.answered(key, member, invokedAt, perform(key, op, seen).by(name));
            } catch (Exception e) {
                history.unknown(key, member, invokedAt, op.by(name));
                LockSupport.parkNanos(FAILURE_PAUSE_NANOS);
                try {
                    recover(e);
                } catch (Exception again) {
                    // the next operation fails too and tries again
                }
            }
        }
    }

    /** Carries the operation out; answers it with the result the client saw. */
    private Register.Op perform(String key, Register.Op op, Seen seen) throws Exception {
        if (op.kind() == Register.Kind.READ) {
            Seen now = read(key);
            lastSeen.put(key, now);
            return Register.read(now.value());
        }
        if (op.kind() == Register.Kind.WRITE) {
            write(key, op.value());
            return op;
        }
        return compareAndSet(key, seen, op.value()) ? op : Register.casFailed(seen.value());
    }

    @Override
    public void close() throws Exception {
        stopped = true;
        thread.join(OP_TIMEOUT_MS * 3);
    }
}
