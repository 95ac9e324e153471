package dev.cachai.etcd.maintenance;

import dev.cachai.engine.EtcdError;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.etcdserverpb.ClusterGrpc;
import dev.cachai.etcd.proto.etcdserverpb.Member;
import dev.cachai.etcd.proto.etcdserverpb.MemberAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.MemberAddResponse;
import dev.cachai.etcd.proto.etcdserverpb.MemberListRequest;
import dev.cachai.etcd.proto.etcdserverpb.MemberListResponse;
import dev.cachai.etcd.proto.etcdserverpb.MemberPromoteRequest;
import dev.cachai.etcd.proto.etcdserverpb.MemberPromoteResponse;
import dev.cachai.etcd.proto.etcdserverpb.MemberRemoveRequest;
import dev.cachai.etcd.proto.etcdserverpb.MemberRemoveResponse;
import dev.cachai.etcd.proto.etcdserverpb.MemberUpdateRequest;
import dev.cachai.etcd.proto.etcdserverpb.MemberUpdateResponse;
import dev.cachai.etcd.support.Calls;
import dev.cachai.etcd.support.EtcdException;
import io.grpc.stub.StreamObserver;

import dev.cachai.engine.ClusterInfo;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * etcd's Cluster service. Membership changes are not supported until clustering lands: they
 * answer the errors etcd gives when a change cannot be made.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final EtcdContext ctx;
    private final Supplier<List<String>> clientUrls;

    public ClusterService(EtcdContext ctx, Supplier<List<String>> clientUrls) {
        this.ctx = ctx;
        this.clientUrls = clientUrls;
    }

    private Member self() {
        return Member.newBuilder().setID(ctx.config().memberId()).setName(ctx.config().memberName())
                .addAllPeerURLs(ctx.config().peerUrls()).addAllClientURLs(clientUrls.get()).build();
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
        Calls.now(out, () -> MemberListResponse.newBuilder().setHeader(ctx.headers().now())
                .addAllMembers(members()).build());
    }

    /** Every member of the cluster this node belongs to; just this node when it runs alone. */
    private List<Member> members() {
        Optional<ClusterInfo> cluster = ctx.gateway().cluster();
        if (cluster.isEmpty()) {
            return List.of(self());
        }
        List<Member> out = new ArrayList<>();
        for (ClusterInfo.Member m : cluster.get().members()) {
            out.add(m.id() == cluster.get().localId() ? self()
                    : Member.newBuilder().setID(m.id()).setName(m.name()).addAllPeerURLs(m.peerUrls())
                            .addAllClientURLs(m.clientUrls()).build());
        }
        return out;
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdmin();
            for (String url : request.getPeerURLsList()) {
                if (!validUrl(url)) {
                    throw new EtcdException(EtcdError.MEMBER_BAD_URLS);
                }
                if (ctx.config().peerUrls().contains(url)) {
                    throw new EtcdException(EtcdError.PEER_URL_EXIST);
                }
            }
            throw new EtcdException(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
        });
    }

    private static boolean validUrl(String url) {
        try {
            URI u = new URI(url);
            return u.getScheme() != null && u.getHost() != null && u.getPort() > 0;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdmin();
            throw new EtcdException(request.getID() == ctx.config().memberId()
                    ? EtcdError.MEMBER_NOT_ENOUGH_STARTED : EtcdError.MEMBER_NOT_FOUND);
        });
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdmin();
            if (request.getID() != ctx.config().memberId()) {
                throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
            }
            throw new EtcdException(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
        });
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdmin();
            throw new EtcdException(request.getID() == ctx.config().memberId()
                    ? EtcdError.MEMBER_NOT_LEARNER : EtcdError.MEMBER_NOT_FOUND);
        });
    }
}
