package dev.cachai.engine;

/**
 * Deadlines of leases and ZooKeeper sessions. A lease's expiry is decided by the node that
 * keeps its clock (the leader), which then proposes the revoke or session close.
 */
public interface LeaseKeeper {
    /** Renews a lease or session; returns false when it is unknown (expired or revoked). */
    boolean keepAlive(long leaseId);

    /** Milliseconds until the lease expires, or -1 when it is unknown. */
    long remainingMs(long leaseId);
}
