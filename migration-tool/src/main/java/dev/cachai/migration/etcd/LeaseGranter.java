package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Grants leases in the target under the source's lease ids, so clients that hold a lease id keep working after the
 * switch. jetcd cannot choose an id, so this speaks etcd's Lease service directly on its own channel.
 */
final class LeaseGranter implements LeaseTarget, AutoCloseable {
    /** etcd's answer when the id is taken: on a re-run, the lease this tool granted before. */
    static final String LEASE_EXISTS = "lease already exists";
    static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final LeaseGrpc.LeaseBlockingStub leases;
    private final Duration timeout;

    LeaseGranter(String hostPort, String user, Duration timeout) {
        this.timeout = timeout;
        int colon = hostPort.lastIndexOf(':');
        channel = ManagedChannelBuilder.forAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))
                .usePlaintext().build();
        LeaseGrpc.LeaseBlockingStub stub = LeaseGrpc.newBlockingStub(channel);
        if (user != null) {
            Metadata headers = new Metadata();
            headers.put(TOKEN, authenticate(user));
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        leases = stub;
    }

    private String authenticate(String user) {
        int colon = user.indexOf(':');
        AuthenticateRequest request = AuthenticateRequest.newBuilder().setName(user.substring(0, colon))
                .setPassword(user.substring(colon + 1)).build();
        try {
            return AuthGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .authenticate(request).getToken();
        } catch (StatusRuntimeException e) {
            close();
            throw new MigrationException("target etcd: authenticating for lease grants failed: " + e.getStatus().getDescription());
        }
    }

    @Override
    public boolean grant(long id, long ttlSeconds) {
        LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds).build();
        try {
            leases.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).leaseGrant(request);
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
        channel.shutdownNow();
    }
}
