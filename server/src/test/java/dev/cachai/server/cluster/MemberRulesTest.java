package dev.cachai.server.cluster;

import dev.cachai.consensus.Membership;
import dev.cachai.consensus.MembershipChange;
import dev.cachai.engine.EtcdError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemberRulesTest {
    private static final MemberRecord STARTED_A = new MemberRecord("a", List.of("http://h:1"), List.of("http://h:2"), 1,
            "h:3", false);

    /** A leader (node 1) that hears every peer and holds the log up to 100; members hold {@code match}. */
    private static MemberRules.LeaderView leader(long match) {
        return new MemberRules.LeaderView() {
            public int selfId() { return 1; }
            public long matchIndexOf(int id) { return id == 1 ? 100 : match; }
            public boolean connected(int id) { return true; }
        };
    }

    private static ClusterMembers members(Set<Integer> voters, Set<Integer> learners, Map<Integer, String> metadata) {
        return ClusterMembers.of(new Membership(voters, learners, metadata), 7, List.of(), "http");
    }

    private static MemberRequest add(MemberRequest.Kind kind, int id, int port) {
        return new MemberRequest(kind, id, new MemberRecord("", List.of("http://h:" + port), List.of(), 0, "", false));
    }

    @Test
    void recordsSurviveTheirTextAndRefuseWhatWouldBreakIt() {
        assertThat(MemberRecord.decode(STARTED_A.encode())).isEqualTo(STARTED_A);
        assertThat(MemberRecord.decode("")).isEqualTo(MemberRecord.UNKNOWN);
        assertThatThrownBy(() -> new MemberRecord("a\nb", List.of(), List.of(), 0, "", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemberRecord("a", List.of("http://h 1"), List.of(), 0, "", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemberRecord.decode("only\ntwo")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void votersAreAddedAsEtcdAllowsThemAndJoinAsLearnersToPromoteLater() {
        ClusterMembers alone = members(Set.of(1), Set.of(), Map.of(1, STARTED_A.encode()));
        MemberRules.Decision first = MemberRules.decide(add(MemberRequest.Kind.ADD_VOTER, 2, 5), alone, leader(0));
        assertThat(first.change()).isInstanceOf(MembershipChange.AddLearner.class);
        MemberRecord added = MemberRecord.decode(((MembershipChange.AddLearner) first.change()).metadata());
        assertThat(added.promoteWhenCaughtUp()).isTrue();
        assertThat(added.zkServerId()).isEqualTo(2);
        // The second voter has not started: a third would leave one started member of three.
        ClusterMembers two = members(Set.of(1), Set.of(2), Map.of(1, STARTED_A.encode(), 2, added.encode()));
        assertThat(MemberRules.decide(add(MemberRequest.Kind.ADD_VOTER, 3, 6), two, leader(0)).error())
                .isEqualTo(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
        assertThat(two.shownAsLearner(2)).isFalse();
        assertThat(MemberRules.decide(add(MemberRequest.Kind.ADD_LEARNER, 3, 5), two, leader(0)).error())
                .isEqualTo(EtcdError.PEER_URL_EXIST);
        assertThat(MemberRules.decide(add(MemberRequest.Kind.ADD_LEARNER, 2, 6), two, leader(0)).error())
                .isEqualTo(EtcdError.MEMBER_EXIST);
        assertThat(MemberRules.decide(MemberRequest.of(MemberRequest.Kind.PROMOTE, 2), two, leader(100)).error())
                .isEqualTo(EtcdError.MEMBER_NOT_LEARNER);
        assertThat(MemberRules.decide(MemberRequest.of(MemberRequest.Kind.PROMOTE_CAUGHT_UP, 2), two, leader(100))
                .change()).isEqualTo(new MembershipChange.PromoteLearner(2));
        // As etcd: with one of two voting members started, even an unknown id is refused for quorum first ...
        assertThat(MemberRules.decide(MemberRequest.of(MemberRequest.Kind.REMOVE, 9), two, leader(0)).error())
                .isEqualTo(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
        // ... while removing the unstarted voter leaves a started quorum; alone, an unknown id is not found.
        assertThat(MemberRules.decide(MemberRequest.of(MemberRequest.Kind.REMOVE, 2), two, leader(0)).change())
                .isEqualTo(new MembershipChange.Remove(2));
        assertThat(MemberRules.decide(MemberRequest.of(MemberRequest.Kind.REMOVE, 9), alone, leader(0)).error())
                .isEqualTo(EtcdError.MEMBER_NOT_FOUND);
        // The leader deciding counts as started before its own publication is applied (just booted).
        ClusterMembers booting = members(Set.of(1), Set.of(), Map.of(1, new MemberRecord("", List.of("http://h:1"),
                List.of(), 1, "", false).encode()));
        assertThat(MemberRules.decide(MemberRequest.of(MemberRequest.Kind.REMOVE, 9), booting, leader(0)).error())
                .isEqualTo(EtcdError.MEMBER_NOT_FOUND);
    }

    @Test
    void learnersArePromotedOnlyInSyncAndOneAtATime() {
        MemberRecord learner = new MemberRecord("", List.of("http://h:5"), List.of(), 2, "", false);
        ClusterMembers withLearner = members(Set.of(1), Set.of(2), Map.of(1, STARTED_A.encode(), 2, learner.encode()));
        MemberRequest promote = MemberRequest.of(MemberRequest.Kind.PROMOTE, 2);
        assertThat(MemberRules.decide(promote, withLearner, leader(0)).error()).isEqualTo(EtcdError.LEARNER_NOT_READY);
        assertThat(MemberRules.decide(promote, withLearner, leader(89)).error()).isEqualTo(EtcdError.LEARNER_NOT_READY);
        assertThat(MemberRules.decide(promote, withLearner, leader(90)).change())
                .isEqualTo(new MembershipChange.PromoteLearner(2));
        assertThat(MemberRules.decide(MemberRequest.of(MemberRequest.Kind.PROMOTE, 9), withLearner, leader(-1)).error())
                .isEqualTo(EtcdError.MEMBER_NOT_FOUND);
        assertThat(MemberRules.decide(add(MemberRequest.Kind.ADD_LEARNER, 3, 6), withLearner, leader(0)).error())
                .isEqualTo(EtcdError.TOO_MANY_LEARNERS);
    }

    @Test
    void aMemberPublishesOnlyWhatChangedAndKeepsThePeerUrlsTheClusterGaveIt() {
        ClusterMembers recorded = members(Set.of(1), Set.of(), Map.of(1, STARTED_A.encode()));
        MemberRequest same = new MemberRequest(MemberRequest.Kind.PUBLISH, 1, STARTED_A);
        assertThat(MemberRules.decide(same, recorded, leader(0))).isEqualTo(MemberRules.Decision.NOTHING);
        MemberRecord elsewhere = new MemberRecord("a", List.of("http://other:1"), List.of("http://h:9"), 1, "h:3", false);
        MembershipChange change = MemberRules.decide(new MemberRequest(MemberRequest.Kind.PUBLISH, 1, elsewhere),
                recorded, leader(0)).change();
        MemberRecord published = MemberRecord.decode(((MembershipChange.UpdateMetadata) change).metadata());
        assertThat(published.peerUrls()).containsExactly("http://h:1");
        assertThat(published.clientUrls()).containsExactly("http://h:9");
    }
}
