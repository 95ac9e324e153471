package dev.cachai.engine;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Result;

import java.util.concurrent.CompletableFuture;

/**
 * How protocol adapters change state: a command goes through the log (consensus, or the
 * single-node log) and the future completes with its result once this node has applied it.
 * The server implements this; adapters never see consensus.
 */
public interface CommandGateway {
    /**
     * Proposes a command. The future fails with {@link GatewayException} (carrying an etcd error
     * such as NO_LEADER, TOO_MANY_REQUESTS or TIMEOUT) when the command could not be committed.
     */
    CompletableFuture<Result> propose(Command command);

    /**
     * Completes once this node has applied everything committed before the call (etcd's
     * linearizable read index; ZooKeeper's sync).
     */
    CompletableFuture<Long> readBarrier();

    /** The state to read from (reads see the last applied revision). */
    Engine engine();

    /** Lease and session deadlines, which are per-node (leader) state and not replicated. */
    LeaseKeeper leases();

    /** The cluster this node is part of; empty for a standalone node (its own leader, always healthy). */
    default java.util.Optional<ClusterInfo> cluster() {
        return java.util.Optional.empty();
    }

    /** Whether this node serves now (etcd /health and /readyz, ZooKeeper ruok and isro). */
    default NodeHealth health() {
        return NodeHealth.STANDALONE;
    }

    /** This node's files on disk (ZooKeeper's conf and dirs words). */
    default StorageFiles storage() {
        return StorageFiles.NONE;
    }
}
