package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts and stops one benchmark target. Single-node today; a cluster launcher returns several
 * endpoints per protocol from the same {@link #start}, so the comparison code does not change.
 */
public interface ServerLauncher extends AutoCloseable {
    String name();

    /** Why this target cannot run on this machine (binary or jar missing), or empty when it can. */
    Optional<String> unavailableReason();

    /** Starts the server with its data under {@code workDir} and returns once every port accepts. */
    Endpoints start(Path workDir) throws Exception;

    /** Stops whatever {@link #start} started; safe to call more than once. */
    @Override
    void close();
}
