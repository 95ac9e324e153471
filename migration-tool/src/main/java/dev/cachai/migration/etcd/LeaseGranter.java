package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Grants leases in the target under the source's lease ids, so clients that hold a lease id keep working after the
 * switch. jetcd cannot choose an id, so this speaks etcd's Lease service directly on its own channel.
 */
final class LeaseGranter implements LeaseTarget, AutoCloseable {
    /** etcd's answer when the id is taken: on a re-run, the lease this tool granted before. */
    static final String LEASE_EXISTS = "lease already exists";

    private final TargetChannel channel;
    private final LeaseGrpc.LeaseBlockingStub leases;

    LeaseGranter(String hostPort, String user, Duration timeout) {
        channel = new TargetChannel(hostPort, user, timeout, "lease grants");
        leases = channel.stub(LeaseGrpc::newBlockingStub);
    }

    @Override
    public boolean grant(long id, long ttlSeconds) {
        LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds).build();
        try {
            leases.withDeadlineAfter(channel.timeout.toMillis(), TimeUnit.MILLISECONDS).leaseGrant(request);
            return true;
        } catch (StatusRuntimeException e) {
            String why = e.getStatus().getDescription();
            if (why != null && why.contains(LEASE_EXISTS)) {
                return false;
            }
            throw new MigrationException("target etcd: granting lease " + Long.toHexString(id) + " failed: "
                    + (why != null ? why : e.getStatus().getCode()));
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
