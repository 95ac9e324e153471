package dev.cachai.etcd.lease;

import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.result.LeaseGrantResult;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.support.Calls;

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;

/** Granting leases: for the Lease service, and for lock and election calls that bring none. */
public final class LeaseGrants {
    private final EtcdContext ctx;
    private final SecureRandom random = new SecureRandom();

    public LeaseGrants(EtcdContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Proposes a lease of {@code ttlSeconds} (raised to etcd's minimum) with id {@code id}, or a
     * fresh one when {@code id} is 0. Throws when the storage quota is exhausted, as etcd refuses.
     */
    public CompletableFuture<LeaseGrantResult> grant(long id, long ttlSeconds) {
        ctx.alarms().checkWrite(0);
        long chosen = id != 0 ? id : newId();
        long ttl = Math.max(ttlSeconds, ctx.config().leaseTtlSecondsMin());
        return Calls.propose(ctx.gateway(), new LeaseCommand.Grant(chosen, ttl)).thenApply(r -> (LeaseGrantResult) r);
    }

    /** A random positive id, as etcd's lessor picks them. */
    private long newId() {
        long id;
        do {
            id = random.nextLong() & Long.MAX_VALUE;
        } while (id == 0 || ctx.engine().lease(id) != null);
        return id;
    }
}
