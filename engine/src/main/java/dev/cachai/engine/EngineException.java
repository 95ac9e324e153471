package dev.cachai.engine;

/** A read refused with one of etcd's errors (compacted or future revision). */
public final class EngineException extends Exception {
    private final EtcdError error;

    public EngineException(EtcdError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public EtcdError error() {
        return error;
    }
}
