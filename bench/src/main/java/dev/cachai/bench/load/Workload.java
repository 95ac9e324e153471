package dev.cachai.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * One benchmark workload against one target. The driver runs {@link #issuers} closed loops; each
 * loop calls {@link #issue} again when the previous operation completes.
 */
public interface Workload extends AutoCloseable {
    String name();

    Protocol protocol();

    /** Opens connections and loads data; not measured. {@code clients} is the concurrency level. */
    void setUp(Endpoints target, int clients, RunContext context) throws Exception;

    /** Starts one operation for loop {@code issuer}; the future completes when the server answered. */
    CompletableFuture<?> issue(int issuer);

    /** How many closed loops issue operations; a watch workload has one writer and many watchers. */
    default int issuers(int clients) {
        return clients;
    }

    /** True when the workload records its own latencies (watch delivery) instead of per-op latency. */
    default boolean recordsOwnLatency() {
        return false;
    }

    @Override
    void close();
}
