package dev.cachai.engine.lease;

import dev.cachai.engine.Bytes;

import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A replicated lease: an etcd lease, or a ZooKeeper session (kind SESSION, ttl in ms, with the
 * session password). Its deadline is not replicated: the leader tracks it and proposes the revoke.
 */
public final class Lease {
    public enum Kind { ETCD, SESSION }

    private final long id;
    private final Kind kind;
    private final long ttlMs;
    private final byte[] password;
    private final ConcurrentSkipListSet<byte[]> keys = new ConcurrentSkipListSet<>(Bytes.UNSIGNED);
    /** A session's owner: the ZooKeeper server id of the member holding its connection; 0 before any. */
    private volatile int owner;

    public Lease(long id, Kind kind, long ttlMs, byte[] password) {
        this(id, kind, ttlMs, password, 0);
    }

    public Lease(long id, Kind kind, long ttlMs, byte[] password, int owner) {
        this.id = id;
        this.kind = kind;
        this.ttlMs = ttlMs;
        this.password = password == null ? Bytes.EMPTY : password.clone();
        this.owner = owner;
    }

    public long id() { return id; }
    public Kind kind() { return kind; }
    public long ttlMs() { return ttlMs; }
    /** etcd's granted TTL in seconds. */
    public long ttlSeconds() { return ttlMs / 1000; }
    public byte[] password() { return password.clone(); }
    public List<byte[]> keys() { return List.copyOf(keys); }
    public int keyCount() { return keys.size(); }
    public int owner() { return owner; }

    /** Records a session's owner; replicated state, so only the engine's apply calls it. */
    public void owner(int serverId) { this.owner = serverId; }

    void attach(byte[] key) { keys.add(key); }
    void detach(byte[] key) { keys.remove(key); }
}
