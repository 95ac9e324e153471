package dev.cachai.migration.etcd;

/** Where source leases are recreated under their ids: a running Cachai, or the engine of a new data directory. */
interface LeaseTarget {
    /** Grants lease {@code id} with {@code ttlSeconds}; false when the target already has a lease with that id. */
    boolean grant(long id, long ttlSeconds);
}
