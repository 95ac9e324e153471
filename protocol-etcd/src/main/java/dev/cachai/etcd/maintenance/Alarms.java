package dev.cachai.etcd.maintenance;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.etcd.support.EtcdException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Alarms raised on this member and the storage quota. etcd's db size only grows until a
 * defragment; we estimate it from the bytes written since start (keys, values and a per-revision
 * overhead) so the NOSPACE alarm trips the way it does in etcd.
 */
public final class Alarms {
    public enum Type { NONE, NOSPACE, CORRUPT }

    /** Rough bbolt cost of one key version beyond its key and value bytes. */
    static final long VERSION_OVERHEAD_BYTES = 64;
    /** bbolt's empty database is about this large. */
    static final long BASE_DB_BYTES = 20 * 1024;

    private final Map<Long, Type> active = new ConcurrentHashMap<>();
    private final AtomicLong dbBytes = new AtomicLong(BASE_DB_BYTES);
    private final long memberId;
    private final long quotaBytes;

    public Alarms(long memberId, long quotaBytes) {
        this.memberId = memberId;
        this.quotaBytes = quotaBytes;
    }

    /** Fed by the watch hub with every committed change. */
    public void account(Change change) {
        long bytes = 0;
        for (Event e : change.events()) {
            bytes += e.kv().key().length + e.kv().value().length + VERSION_OVERHEAD_BYTES;
        }
        dbBytes.addAndGet(bytes);
    }

    public long dbBytes() {
        return dbBytes.get();
    }

    /** Before a write of about {@code requestBytes}: NOSPACE if the quota would be exceeded. */
    public void checkWrite(long requestBytes) {
        if (active.get(memberId) == Type.NOSPACE) {
            throw new EtcdException(EtcdError.NO_SPACE);
        }
        if (dbBytes.get() + requestBytes > quotaBytes) {
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
