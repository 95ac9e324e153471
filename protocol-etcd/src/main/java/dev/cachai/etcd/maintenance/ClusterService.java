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
import dev.cachai.etcd.support.Errors;
import dev.cachai.etcd.support.EtcdException;
import io.grpc.stub.StreamObserver;

import dev.cachai.engine.ClusterInfo;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * etcd's Cluster service. In a cluster, changes go to the leader through the node's
 * {@link ClusterInfo} and answer once applied; a node without one (an adapter test gateway)
 * answers the errors etcd gives when a change cannot be made.
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
        Calls.now(out, () -> MemberListResponse.newBuilder().setHeader(ctx.headers().membership())
                .addAllMembers(members()).build());
    }

    /** Every member of the cluster this node belongs to; just this node when it runs alone. */
    private List<Member> members() {
        Optional<ClusterInfo> cluster = ctx.gateway().cluster();
        return cluster.isEmpty() ? List.of(self()) : toProto(cluster.get().members());
    }

    private List<Member> toProto(List<ClusterInfo.Member> members) {
        long localId = ctx.gateway().cluster().map(ClusterInfo::localId).orElse(ctx.config().memberId());
        List<Member> out = new ArrayList<>();
        for (ClusterInfo.Member m : members) {
            out.add(toProto(m, m.id() == localId));
        }
        return out;
    }

    /** This node fills in its own name and client URLs until the cluster has recorded them. */
    private Member toProto(ClusterInfo.Member m, boolean local) {
        Member.Builder b = Member.newBuilder().setID(m.id()).setName(m.name()).addAllPeerURLs(m.peerUrls())
                .addAllClientURLs(m.clientUrls()).setIsLearner(m.learner());
        if (local && m.name().isEmpty()) {
            b.setName(ctx.config().memberName());
        }
        if (local && m.clientUrls().isEmpty()) {
            b.addAllClientURLs(clientUrls.get());
        }
        if (local && m.peerUrls().isEmpty()) {
            b.addAllPeerURLs(ctx.config().peerUrls());
        }
        return b.build();
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
        Optional<ClusterInfo> cluster;
        try {
            ctx.auth().checkAdmin();
            requireValidUrls(request.getPeerURLsList());
            cluster = ctx.gateway().cluster();
            if (cluster.isEmpty()) {
                for (String url : request.getPeerURLsList()) {
                    if (ctx.config().peerUrls().contains(url)) {
                        throw new EtcdException(EtcdError.PEER_URL_EXIST);
                    }
                }
                throw new EtcdException(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
            }
        } catch (RuntimeException e) {
            out.onError(Errors.from(e));
            return;
        }
        Calls.reply(out, cluster.get().addMember(request.getPeerURLsList(), request.getIsLearner(), 0, ""),
                added -> MemberAddResponse.newBuilder().setHeader(ctx.headers().membership())
                        .setMember(Member.newBuilder().setID(added.member().id())
                                .addAllPeerURLs(added.member().peerUrls()).setIsLearner(added.member().learner()))
                        .addAllMembers(toProto(added.members())).build());
    }

    /** etcd parses member URLs strictly: a scheme, a host and a port, nothing else. */
    private static void requireValidUrls(List<String> urls) {
        if (urls.isEmpty()) {
            throw new EtcdException(EtcdError.MEMBER_BAD_URLS);
        }
        for (String url : urls) {
            if (!validUrl(url)) {
                throw new EtcdException(EtcdError.MEMBER_BAD_URLS);
            }
        }
    }

    private static boolean validUrl(String url) {
        try {
            URI u = new URI(url);
            return u.getScheme() != null && u.getHost() != null && u.getPort() > 0
                    && (u.getPath() == null || u.getPath().isEmpty()) && u.getQuery() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> out) {
        change(out, () -> ctx.gateway().cluster().isEmpty()
                        ? alone(request.getID() == ctx.config().memberId()
                                ? EtcdError.MEMBER_NOT_ENOUGH_STARTED : EtcdError.MEMBER_NOT_FOUND)
                        : ctx.gateway().cluster().get().removeMember(request.getID()),
                members -> MemberRemoveResponse.newBuilder().setHeader(ctx.headers().membership())
                        .addAllMembers(toProto(members)).build());
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request, StreamObserver<MemberUpdateResponse> out) {
        change(out, () -> {
            requireValidUrls(request.getPeerURLsList());
            if (ctx.gateway().cluster().isEmpty()) {
                return alone(request.getID() != ctx.config().memberId()
                        ? EtcdError.MEMBER_NOT_FOUND : EtcdError.MEMBER_NOT_ENOUGH_STARTED);
            }
            return ctx.gateway().cluster().get().updateMember(request.getID(), request.getPeerURLsList());
        }, members -> MemberUpdateResponse.newBuilder().setHeader(ctx.headers().membership())
                .addAllMembers(toProto(members)).build());
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> out) {
        change(out, () -> ctx.gateway().cluster().isEmpty()
                        ? alone(request.getID() == ctx.config().memberId()
                                ? EtcdError.MEMBER_NOT_LEARNER : EtcdError.MEMBER_NOT_FOUND)
                        : ctx.gateway().cluster().get().promoteMember(request.getID()),
                members -> MemberPromoteResponse.newBuilder().setHeader(ctx.headers().membership())
                        .addAllMembers(toProto(members)).build());
    }

    private static CompletableFuture<List<ClusterInfo.Member>> alone(EtcdError error) {
        return CompletableFuture.failedFuture(new EtcdException(error));
    }

    /** Admin only; the change's future answers the call. */
    private <R> void change(StreamObserver<R> out, Supplier<CompletableFuture<List<ClusterInfo.Member>>> start,
                            Function<List<ClusterInfo.Member>, R> response) {
        CompletableFuture<List<ClusterInfo.Member>> future;
        try {
            ctx.auth().checkAdmin();
            future = start.get();
        } catch (RuntimeException e) {
            out.onError(Errors.from(e));
            return;
        }
        Calls.reply(out, future, response);
    }
}
