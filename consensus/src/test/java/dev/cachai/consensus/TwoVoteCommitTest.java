package dev.cachai.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachai.consensus.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where two votes choose (two or three voters), a follower holding the leader's slots durably
 * knows them chosen once the leader has told it that its own copy is durable: it does not wait
 * for the leader to count its answer and announce the commit.
 */
class TwoVoteCommitTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A cluster led by 1 with one write that only node 2 has seen, not yet synced there, and
     * what the leader sent once its own copy was durable (delivered to node 2).
     */
    private record SeenBy2(TestCluster cluster, PaxosNode leader, Ready unsyncedAt2, long index,
            List<Message> afterLeaderSync) {

        static SeenBy2 propose(int clusterSize) {
            TestCluster cluster = new TestCluster(clusterSize);
            PaxosNode leader = cluster.elect(1);
            long index = ((SubmitResult.Accepted) leader.propose(bytes("w"))).index();
            Ready proposing = leader.ready();
            PaxosNode two = cluster.node(2);
            deliverTo(two, proposing.messagesBeforePersist());
            Ready unsynced = two.ready();
            leader.persisted(proposing);
            List<Message> afterLeaderSync = leader.ready().messages();
            deliverTo(two, afterLeaderSync);
            return new SeenBy2(cluster, leader, unsynced, index, afterLeaderSync);
        }

        static SeenBy2 proposeInThree() {
            SeenBy2 w = propose(3);
            assertThat(w.afterLeaderSync()).as("the leader tells the followers its copy is durable")
                    .filteredOn(m -> m.to() == 2).singleElement().isInstanceOfSatisfying(Message.Heartbeat.class,
                            h -> assertThat(h.leaderAcceptedIndex()).isEqualTo(w.index()));
            return w;
        }
    }

    private static void deliverTo(PaxosNode node, List<Message> messages) {
        messages.stream().filter(m -> m.to() == node.id()).forEach(node::step);
    }

    @Test
    void aFollowerKnowsASlotChosenOnceItsOwnCopyIsDurable() {
        SeenBy2 w = SeenBy2.proposeInThree();
        PaxosNode two = w.cluster().node(2);
        assertThat(two.commitIndex()).as("its own copy is not durable yet").isLessThan(w.index());

        two.persisted(w.unsyncedAt2());
        assertThat(two.commitIndex()).isEqualTo(w.index());
        assertThat(two.ready().committedEntries()).extracting(e -> new String(e.data(), StandardCharsets.UTF_8))
                .containsExactly("w");
        assertThat(w.leader().commitIndex()).as("the leader has heard no Accepted").isLessThan(w.index());
    }

    @Test
    void aReadAtTheLeaderWaitsForSlotsAFollowerMayHaveAnswered() {
        SeenBy2 w = SeenBy2.proposeInThree();
        w.cluster().node(2).persisted(w.unsyncedAt2());
        assertThat(w.leader().commitIndex()).isLessThan(w.index());

        w.leader().readIndex(bytes("r"));
        w.cluster().stabilize();
        assertThat(w.cluster().reads.get(1)).singleElement()
                .satisfies(read -> assertThat(read.index()).isEqualTo(w.index()));
    }

    @Test
    void withFiveVotersFollowersWaitForTheLeadersCommit() {
        SeenBy2 w = SeenBy2.propose(5);
        assertThat(w.afterLeaderSync()).as("no follower could use the leader's word").isEmpty();
        PaxosNode two = w.cluster().node(2);
        two.persisted(w.unsyncedAt2());
        assertThat(two.commitIndex()).isLessThan(w.index());
    }

    @Test
    void theLeaderAnnouncesNoCommitItsFollowersKnowAlready() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        cluster.stabilize();
        leader.propose(bytes("w"));
        Ready proposing = leader.ready();
        proposing.messagesBeforePersist().forEach(m -> cluster.node(m.to()).step(m));
        leader.persisted(proposing);
        leader.ready().messages().forEach(m -> cluster.node(m.to()).step(m));
        for (int id : List.of(2, 3)) {
            PaxosNode follower = cluster.node(id);
            Ready own = follower.ready();
            follower.persisted(own);
            own.messagesAfterPersist().stream().filter(m -> m instanceof Message.Accepted).forEach(leader::step);
        }
        assertThat(leader.commitIndex()).isEqualTo(cluster.node(2).commitIndex()).isEqualTo(cluster.node(3).commitIndex());
        assertThat(leader.ready().messages()).as("no commit heartbeat").isEmpty();
    }
}
