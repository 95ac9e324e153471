package dev.cachai.migration.etcd;

/** Sizes the etcd copy works within: etcd's (and Cachai's) defaults. */
final class EtcdLimits {
    private EtcdLimits() {}

    /** Keys per Range page: large enough to amortise the round trip, small enough for the response limit. */
    static final int PAGE_KEYS_MAX = 1_000;
    /** etcd's default --max-request-bytes: 1.5 MiB. */
    static final int REQUEST_BYTES_MAX = 1_572_864;
    /** A put is rejected above this (request framing takes the rest). */
    static final int PUT_BYTES_MAX = REQUEST_BYTES_MAX - 1_024;
    /** etcd's default --max-txn-ops. */
    static final int TXN_OPS_MAX = 128;
    /** Bytes of keys and values in one txn, under the request limit. */
    static final int TXN_BYTES_MAX = 1 << 20;
    /** Source pages being compared and written at once; each is up to PAGE_KEYS_MAX keys in ~8 txns. */
    static final int PAGES_INFLIGHT_MAX = 4;
    /** A page of up to 1,000 values of up to 1.5 MiB each. */
    static final int RESPONSE_BYTES_MAX = 2_000 << 20;
    /** Users, and roles, read from one snapshot (etcd sets no limit; this bounds the tool's memory). */
    static final int AUTH_ENTRIES_MAX = 1_000_000;
    /** Keys held for one side of a verify. */
    static final int VERIFY_KEYS_MAX = 20_000_000;
}
