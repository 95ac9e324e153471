package dev.cachai.server.driver;

import dev.cachai.engine.CommandGateway;

/** What the server runs between the protocol adapters and the log: single-node or clustered. */
public interface Driver extends CommandGateway, AutoCloseable {
    /** Accepting writes: the apply loop runs, the log is usable and (in a cluster) a leader is known. */
    boolean healthy();

    @Override
    void close();
}
