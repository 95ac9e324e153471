package dev.cachai.etcd.support;

import dev.cachai.engine.EtcdError;

/** An etcd error raised inside the adapter (checks before proposing, failed results). */
public final class EtcdException extends RuntimeException {
    private final EtcdError error;

    public EtcdException(EtcdError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public EtcdError error() {
        return error;
    }
}
