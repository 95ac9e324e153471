package dev.cachai.engine;

/** A proposal that did not commit (no leader, overload, timeout, stopping). */
public final class GatewayException extends RuntimeException {
    private final EtcdError error;

    public GatewayException(EtcdError error) {
        super(error.message());
        this.error = error;
    }

    public EtcdError error() {
        return error;
    }
}
