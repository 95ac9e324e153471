package dev.cachai.migration.etcd;

import io.etcd.jetcd.KeyValue;

import java.util.List;

/** Where etcd keys come from: a live etcd read in pages at one revision, or a snapshot file read offline. */
interface KeySource {
    interface PageSink {
        void accept(List<KeyValue> page) throws InterruptedException;
    }

    /** Fixes the revision the copy reads at and returns it. */
    long pin() throws InterruptedException;

    /** How many keys the copy covers, known after {@link #pin()}. */
    long total();

    /** Every key in key order, in pages of at most {@link EtcdLimits#PAGE_KEYS_MAX}. */
    void readAll(PageSink sink) throws InterruptedException;

    /** The seconds a lease has left, or 0 or less when it is gone. */
    long leaseTtlSeconds(long leaseId) throws InterruptedException;

    /** The users and roles the copy brings along, known after {@link #pin()}: a live etcd's hashes cannot be read. */
    default EtcdAuthData auth() {
        return EtcdAuthData.NONE;
    }
}
