package dev.cachai.etcd.lease;

import com.google.protobuf.ByteString;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.lease.Lease;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrantRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrantResponse;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseKeepAliveRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseKeepAliveResponse;
import dev.cachai.etcd.proto.etcdserverpb.LeaseLeasesRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseLeasesResponse;
import dev.cachai.etcd.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseRevokeResponse;
import dev.cachai.etcd.proto.etcdserverpb.LeaseStatus;
import dev.cachai.etcd.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseTimeToLiveResponse;
import dev.cachai.etcd.support.Calls;
import dev.cachai.etcd.support.Errors;
import dev.cachai.etcd.support.LeaderRequirement;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;

/** etcd's Lease service. Grants and revokes are proposed; deadlines live in the gateway's LeaseKeeper. */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final EtcdContext ctx;
    private final LeaseGrants grants;

    public LeaseService(EtcdContext ctx) {
        this.ctx = ctx;
        this.grants = new LeaseGrants(ctx);
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> out) {
        CompletableFuture<LeaseGrantResponse> result;
        try {
            result = grants.grant(request.getID(), request.getTTL()).thenApply(g -> LeaseGrantResponse.newBuilder()
                    .setHeader(ctx.headers().now()).setID(g.id()).setTTL(g.ttlSeconds()).build());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> r);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> out) {
        CompletableFuture<LeaseRevokeResponse> result = Calls.propose(ctx.gateway(),
                        new LeaseCommand.Revoke(request.getID()))
                .thenApply(r -> LeaseRevokeResponse.newBuilder().setHeader(ctx.headers().at(r.revision())).build());
        Calls.reply(out, result, r -> r);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
        boolean[] ended = {false}; // guarded by out
        LeaderRequirement.onLeaderLost(() -> {
            synchronized (out) {
                if (!ended[0]) {
                    ended[0] = true;
                    out.onError(Errors.of(EtcdError.NO_LEADER));
                }
            }
        });
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveRequest request) {
                long id = request.getID();
                boolean alive = ctx.gateway().leases().keepAlive(id);
                Lease lease = ctx.engine().lease(id);
                // An unknown lease is answered with TTL 0, which clients read as "expired".
                long ttl = alive && lease != null ? lease.ttlSeconds() : 0;
                synchronized (out) {
                    if (!ended[0]) {
                        out.onNext(LeaseKeepAliveResponse.newBuilder().setHeader(ctx.headers().now()).setID(id)
                                .setTTL(ttl).build());
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                // The client went away; nothing to release.
            }

            @Override
            public void onCompleted() {
                synchronized (out) {
                    if (!ended[0]) {
                        ended[0] = true;
                        out.onCompleted();
                    }
                }
            }
        };
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> out) {
        Calls.now(out, () -> {
            long id = request.getID();
            Lease lease = ctx.engine().lease(id);
            long remainingMs = lease == null ? -1 : ctx.gateway().leases().remainingMs(id);
            var b = LeaseTimeToLiveResponse.newBuilder().setHeader(ctx.headers().now()).setID(id);
            if (lease == null || remainingMs < 0) {
                return b.setTTL(-1).build();
            }
            b.setTTL(remainingMs / 1000).setGrantedTTL(lease.ttlSeconds());
            if (request.getKeys()) {
                for (byte[] key : lease.keys()) {
                    b.addKeys(ByteString.copyFrom(key));
                }
            }
            return b.build();
        });
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> out) {
        Calls.now(out, () -> {
            var b = LeaseLeasesResponse.newBuilder().setHeader(ctx.headers().now());
            for (long id : ctx.engine().leaseIds()) {
                Lease lease = ctx.engine().lease(id);
                if (lease != null && lease.kind() == Lease.Kind.ETCD) {
                    b.addLeases(LeaseStatus.newBuilder().setID(id));
                }
            }
            return b.build();
        });
    }
}
