package dev.cachai.engine.command;

/** Leases (etcd) and sessions (ZooKeeper, which are leases too). */
public sealed interface LeaseCommand extends Command
        permits LeaseCommand.Grant, LeaseCommand.Revoke, LeaseCommand.SessionCreate,
                LeaseCommand.SessionClose, LeaseCommand.SessionOwner {

    /** etcd LeaseGrant; {@code id} is chosen before proposal (never 0 here). */
    record Grant(long id, long ttlSeconds) implements LeaseCommand {}

    /** etcd LeaseRevoke, also used by the leader when a lease expires. */
    record Revoke(long id) implements LeaseCommand {}

    /** A new ZooKeeper session: a lease whose id is the session id. */
    record SessionCreate(long sessionId, int timeoutMs, byte[] password, boolean readOnly) implements LeaseCommand {}

    /**
     * A session resumed on the member with ZooKeeper server id {@code owner}: from then on writes
     * sent through any other member's connection of the session fail with SESSIONMOVED
     * (ZooKeeper's revalidation, which makes the leader record the session's new owner).
     */
    record SessionOwner(long sessionId, int owner) implements LeaseCommand {}

    /** closeSession from the client, or expiry decided by the leader: ephemerals go in one revision. */
    record SessionClose(long sessionId, boolean expired) implements LeaseCommand {}
}
