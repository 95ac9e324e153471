package dev.cachai.etcd.maintenance;

import dev.cachai.engine.EtcdError;
import dev.cachai.etcd.support.EtcdException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Alarms raised on this member and the storage quota. The db size is the engine's estimate of
 * the history it retains, so compaction frees quota (etcd needs a defragment on top; we have no
 * file to shrink) and the size survives restarts with the data.
 */
public final class Alarms {
    public enum Type { NONE, NOSPACE, CORRUPT }

    /** bbolt's empty database is about this large. */
    static final long BASE_DB_BYTES = 20 * 1024;

    private final Map<Long, Type> active = new ConcurrentHashMap<>();
    private final LongSupplier retainedBytes;
    private final long memberId;
    private final long quotaBytes;

    /** @param retainedBytes the engine's retained-history estimate ({@code Engine::approxBytes}) */
    public Alarms(long memberId, long quotaBytes, LongSupplier retainedBytes) {
        this.memberId = memberId;
        this.quotaBytes = quotaBytes;
        this.retainedBytes = retainedBytes;
    }

    public long dbBytes() {
        return BASE_DB_BYTES + retainedBytes.getAsLong();
    }

    /** Before a write of about {@code requestBytes}: NOSPACE if the quota would be exceeded. */
    public void checkWrite(long requestBytes) {
        if (active.get(memberId) == Type.NOSPACE) {
            throw new EtcdException(EtcdError.NO_SPACE);
        }
        if (dbBytes() + requestBytes > quotaBytes) {
            active.put(memberId, Type.NOSPACE);
            throw new EtcdException(EtcdError.NO_SPACE);
        }
    }

    public Map<Long, Type> active() {
        return Map.copyOf(active);
    }

    public void activate(long member, Type type) {
        active.put(member, type);
    }

    /** Returns whether the alarm was active. */
    public boolean deactivate(long member, Type type) {
        return active.remove(member, type);
    }
}
