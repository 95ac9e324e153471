package dev.cachai.consensus.wal;

/**
 * The log can no longer promise durability (an fsync or write failed). After a failed fsync the
 * kernel may have dropped dirty pages, so retrying could report success for lost data: the node
 * must stop and recover from what is on disk.
 */
public final class WalFatalError extends Error {

    public WalFatalError(String message, Throwable cause) {
        super(message, cause);
    }
}
