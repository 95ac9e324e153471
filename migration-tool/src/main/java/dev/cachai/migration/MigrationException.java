package dev.cachai.migration;

/** An expected failure (unreachable server, bad credentials, bad arguments): printed as one line, no stack trace. */
public final class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
