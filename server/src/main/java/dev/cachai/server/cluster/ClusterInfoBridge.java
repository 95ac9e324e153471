package dev.cachai.server.cluster;

import dev.cachai.engine.ClusterInfo;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Presents the driver's membership to the protocol adapters as the engine's {@link ClusterInfo},
 * and takes their membership changes to the driver.
 */
final class ClusterInfoBridge implements ClusterInfo {
    private static final SecureRandom IDS = new SecureRandom();

    private final ClusterDriver driver;

    ClusterInfoBridge(ClusterDriver driver) {
        this.driver = driver;
    }

    @Override
    public long localId() {
        return driver.localId();
    }

    @Override
    public List<Member> members() {
        return driver.members().asInfo();
    }

    @Override
    public long configVersion() {
        return driver.members().version();
    }

    @Override
    public long leaderId() {
        return driver.leaderId();
    }

    @Override
    public Optional<Leading> leading() {
        return driver.leading();
    }

    @Override
    public String peerUrlScheme() {
        return driver.peerUrlScheme();
    }

    /** Like etcd, the member's id is drawn at random; the new node learns it when first dialed. */
    @Override
    public CompletableFuture<MemberAdded> addMember(List<String> peerUrls, boolean learner, int zkServerId,
                                                    String zkClient) {
        int id = 1 + IDS.nextInt(Integer.MAX_VALUE - 1);
        MemberRecord record = new MemberRecord("", peerUrls, List.of(), zkServerId, zkClient, false);
        MemberRequest.Kind kind = learner ? MemberRequest.Kind.ADD_LEARNER : MemberRequest.Kind.ADD_VOTER;
        return driver.changeMembers(new MemberRequest(kind, id, record)).thenApply(after -> {
            Member added = after.info(id);
            // etcd answers with the member as requested: a voter is a voter even while it catches up.
            return new MemberAdded(new Member(id, "", added.peerUrls(), List.of(), learner, added.zkServerId(),
                    added.zkClient()), after.asInfo());
        });
    }

    @Override
    public CompletableFuture<List<Member>> removeMember(long id) {
        return change(MemberRequest.of(MemberRequest.Kind.REMOVE, nodeId(id)), id);
    }

    @Override
    public CompletableFuture<List<Member>> updateMember(long id, List<String> peerUrls) {
        MemberRecord urls = new MemberRecord("", peerUrls, List.of(), 0, "", false);
        return change(new MemberRequest(MemberRequest.Kind.UPDATE_PEERS, nodeId(id), urls), id);
    }

    @Override
    public CompletableFuture<List<Member>> promoteMember(long id) {
        return change(MemberRequest.of(MemberRequest.Kind.PROMOTE, nodeId(id)), id);
    }

    @Override
    public CompletableFuture<Void> moveLeader(long targetId) {
        if (!isNodeId(targetId)) {
            return driver.isLeader() ? CompletableFuture.failedFuture(new GatewayException(EtcdError.BAD_LEADER_TRANSFEREE))
                    : CompletableFuture.failedFuture(new GatewayException(EtcdError.NOT_LEADER));
        }
        return driver.moveLeader((int) targetId);
    }

    private CompletableFuture<List<Member>> change(MemberRequest request, long id) {
        if (!isNodeId(id)) {
            return CompletableFuture.failedFuture(new GatewayException(EtcdError.MEMBER_NOT_FOUND));
        }
        return driver.changeMembers(request).thenApply(ClusterMembers::asInfo);
    }

    /** Our member ids are positive 31-bit numbers; any other id names no member. */
    private static boolean isNodeId(long id) {
        return id > 0 && id <= Integer.MAX_VALUE;
    }

    private static int nodeId(long id) {
        return isNodeId(id) ? (int) id : 0;
    }
}
