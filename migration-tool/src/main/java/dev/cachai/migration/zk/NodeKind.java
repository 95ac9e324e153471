package dev.cachai.migration.zk;

/** ZooKeeper node kinds, decoded from {@code ephemeralOwner} the way ZooKeeper's EphemeralType does. */
public enum NodeKind {
    PERSISTENT, EPHEMERAL, CONTAINER, TTL;

    /** ZooKeeper marks extended kinds by a top byte of 0xFF in ephemeralOwner (no server may have id 255). */
    static final long EXTENDED_MASK = 0xFF00_0000_0000_0000L;
    /** The low 40 bits of a TTL node's ephemeralOwner hold its TTL in milliseconds. */
    static final long TTL_MASK = 0x0000_00FF_FFFF_FFFFL;

    public static NodeKind of(long ephemeralOwner) {
        if (ephemeralOwner == 0) {
            return PERSISTENT;
        }
        if (ephemeralOwner == Long.MIN_VALUE) {
            return CONTAINER;
        }
        if ((ephemeralOwner & EXTENDED_MASK) == EXTENDED_MASK) {
            return TTL;
        }
        return EPHEMERAL;
    }

    public static long ttlMs(long ephemeralOwner) {
        return of(ephemeralOwner) == TTL ? ephemeralOwner & TTL_MASK : 0;
    }
}
