package dev.cachai.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachai.consensus.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What may leave before the sync, what waits for it, and when a leader counts its own copy. */
class ReadyContractTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Message to(int id, List<Message> messages) {
        return messages.stream().filter(m -> m.to() == id).findFirst().orElseThrow();
    }

    /** Steps {@code message} into its target, carries out its Ready, and returns what it sent. */
    private static Ready deliver(TestCluster cluster, Message message) {
        PaxosNode target = cluster.node(message.to());
        target.step(message);
        Ready ready = target.ready();
        target.persisted(ready);
        return ready;
    }

    @Test
    void singleVoterCommitsOnceItsOwnWriteIsDurable() {
        PaxosNode node = PaxosNode.fresh(PaxosConfig.defaults(1, Set.of(1)), new SplittableRandom(1),
                SnapshotSource.NONE);
        node.campaign();
        assertThat(node.role()).isEqualTo(Role.LEADER);
        node.persisted(node.ready());
        node.persisted(node.ready());
        assertThat(node.commitIndex()).isEqualTo(1);
        assertThat(node.propose(bytes("a"))).isInstanceOf(SubmitResult.Accepted.class);
        Ready write = node.ready();
        assertThat(write.entriesToPersist()).extracting(Entry::index).containsExactly(2L);
        assertThat(write.committedEntries()).isEmpty();
        node.persisted(write);
        Ready commit = node.ready();
        assertThat(commit.committedEntries()).extracting(Entry::index).containsExactly(2L);
        assertThat(commit.hardState()).map(HardState::commitIndex).contains(2L);
        assertThat(commit.needsSync()).as("a commit index alone is written without a sync").isFalse();
    }

    /** The leader's {@code write} is durable at the leader and at {@code followerId}: a quorum of three. */
    private static void chooseWith(TestCluster cluster, PaxosNode leader, Ready write, int followerId) {
        leader.persisted(write);
        leader.step(deliver(cluster, to(followerId, write.messagesBeforePersist())).messagesAfterPersist().get(0));
    }

    @Test
    void aFollowerAppliesChosenCommandsWhileItsOwnCopyIsStillSyncing() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        long before = leader.commitIndex();
        leader.propose(bytes("a"));
        leader.propose(bytes("b"));
        Ready write = leader.ready();
        PaxosNode follower = cluster.node(2);
        follower.step(to(2, write.messagesBeforePersist()));
        Ready syncing = follower.ready();
        assertThat(syncing.needsSync()).isTrue();
        assertThat(syncing.mayApplyBeforeSync()).isTrue();
        assertThat(follower.takeChosenCommands()).as("accepted is not chosen").isEmpty();

        // The leader and the third member make the quorum while this follower's sync runs.
        chooseWith(cluster, leader, write, 3);
        assertThat(leader.commitIndex()).isEqualTo(before + 2);
        Ready announce = leader.ready();
        follower.step(to(2, announce.messagesBeforePersist()));

        assertThat(follower.takeChosenCommands()).extracting(Entry::index).containsExactly(before + 1, before + 2);
        assertThat(follower.takeChosenCommands()).as("each handed out once").isEmpty();
        assertThat(follower.durableChosenThrough()).as("chosen, not yet durable here").isEqualTo(before);
        follower.persisted(syncing);
        assertThat(follower.durableChosenThrough()).isEqualTo(before + 2);
        Ready next = follower.ready();
        assertThat(next.committedEntries()).as("already handed out").isEmpty();
        assertThat(next.hardState()).map(HardState::commitIndex).contains(before + 2);
    }

    @Test
    void chosenCommandsStopBeforeAMembershipChangeWhichWaitsForItsReady() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        long before = leader.commitIndex();
        leader.propose(bytes("a"));
        assertThat(leader.changeMembership(new MembershipChange.AddLearner(4, ""))).isInstanceOf(SubmitResult.Accepted.class);
        leader.propose(bytes("b"));
        chooseWith(cluster, leader, leader.ready(), 2);
        assertThat(leader.commitIndex()).isEqualTo(before + 3);

        assertThat(leader.takeChosenCommands()).extracting(Entry::index).containsExactly(before + 1);
        Ready chosen = leader.ready();
        assertThat(chosen.mayApplyBeforeSync()).as("its commit index chose a membership change").isFalse();
        assertThat(chosen.committedEntries()).extracting(Entry::index).containsExactly(before + 2, before + 3);
        assertThat(chosen.committedEntries().get(0).kind()).isEqualTo(EntryKind.MEMBERSHIP);
    }

    @Test
    void leaderAcceptsLeaveBeforeItsSyncButItsOwnVoteCountsOnlyAfter() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        long commit = leader.commitIndex();
        leader.propose(bytes("a"));
        Ready write = leader.ready();
        assertThat(write.needsSync()).isTrue();
        assertThat(write.messagesBeforePersist()).hasSize(2).allSatisfy(m -> assertThat(m).isInstanceOf(Message.Accept.class));
        assertThat(write.messagesAfterPersist()).isEmpty();

        Ready follower = deliver(cluster, to(2, write.messagesBeforePersist()));
        assertThat(follower.messagesBeforePersist()).isEmpty();
        Message accepted = follower.messagesAfterPersist().get(0);
        assertThat(accepted).isInstanceOf(Message.Accepted.class);

        leader.step(accepted);
        assertThat(leader.commitIndex()).as("one follower and an unsynced leader are no quorum").isEqualTo(commit);
        leader.persisted(write);
        assertThat(leader.commitIndex()).isEqualTo(commit + 1);

        Ready announce = leader.ready();
        assertThat(announce.needsSync()).isFalse();
        assertThat(announce.messagesBeforePersist()).allSatisfy(m -> assertThat(m).isInstanceOf(Message.Heartbeat.class));
        Ready ack = deliver(cluster, to(2, announce.messagesBeforePersist()));
        assertThat(ack.hardState()).map(HardState::commitIndex).contains(commit + 1);
        assertThat(ack.needsSync()).isFalse();
        assertThat(ack.messagesAfterPersist()).singleElement().isInstanceOf(Message.HeartbeatAck.class);
    }

    @Test
    void acceptorAnswersWaitForTheSync() {
        PaxosNode acceptor = PaxosNode.fresh(PaxosConfig.defaults(2, Set.of(1, 2, 3)), new SplittableRandom(2),
                SnapshotSource.NONE);
        Ballot ballot = new Ballot(1, 1);
        acceptor.step(new Message.Prepare(1, 2, ballot, 1, 0, false));
        Ready promise = acceptor.ready();
        assertThat(promise.hardStateMustSync()).isTrue();
        assertThat(promise.messagesBeforePersist()).isEmpty();
        assertThat(promise.messagesAfterPersist()).singleElement().isInstanceOf(Message.Promise.class);
        acceptor.persisted(promise);
        acceptor.step(new Message.Accept(1, 2, ballot, 0, List.of(Entry.noop(1, ballot))));
        Ready accepted = acceptor.ready();
        assertThat(accepted.messagesBeforePersist()).isEmpty();
        assertThat(accepted.messagesAfterPersist()).singleElement().isInstanceOf(Message.Accepted.class);
    }

    @Test
    void aChosenMembershipChangeIsSynced() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        assertThat(leader.changeMembership(new MembershipChange.Remove(3))).isInstanceOf(SubmitResult.Accepted.class);
        Ready write = leader.ready();
        leader.persisted(write);
        leader.step(deliver(cluster, to(2, write.messagesBeforePersist())).messagesAfterPersist().get(0));
        Ready chosen = leader.ready();
        assertThat(chosen.committedEntries()).extracting(Entry::kind).containsExactly(EntryKind.MEMBERSHIP);
        assertThat(chosen.hardStateMustSync()).isTrue();
        assertThat(chosen.needsSync()).isTrue();
    }

    @Test
    void acceptsWaitForTheSyncWhenTheirBallotWasPromisedInTheSameReady() {
        Membership withLearner = new Membership(Set.of(1), Set.of(2));
        PersistentState restored = new PersistentState(HardState.INITIAL, List.of(),
                Optional.of(new SnapshotMarker(0, withLearner)), 0);
        PaxosNode node = new PaxosNode(PaxosConfig.defaults(1, Set.of(1)), restored, new SplittableRandom(1),
                SnapshotSource.NONE);
        node.campaign();
        assertThat(node.role()).isEqualTo(Role.LEADER);
        Ready first = node.ready();
        assertThat(first.hardStateMustSync()).isTrue();
        assertThat(first.messagesBeforePersist()).as("a lost promise could let this ballot be reused").isEmpty();
        assertThat(first.messagesAfterPersist()).anySatisfy(m -> assertThat(m).isInstanceOf(Message.Accept.class));
        node.persisted(first);
        node.step(new Message.Accepted(2, 1, node.promised(), 1, 1, 0));
        node.persisted(node.ready());
        node.propose(bytes("a"));
        assertThat(node.ready().messagesBeforePersist()).anySatisfy(m -> assertThat(m).isInstanceOf(Message.Accept.class));
    }

    @Test
    void whatTheStateMachineAppliedCountsAsChosenAfterARestart() {
        Ballot ballot = new Ballot(1, 1);
        List<Entry> entries = List.of(Entry.noop(1, ballot), Entry.noop(2, ballot), Entry.noop(3, ballot));
        PersistentState restored = new PersistentState(new HardState(ballot, 1), entries, Optional.empty(), 3);
        PaxosNode node = new PaxosNode(PaxosConfig.defaults(2, Set.of(1, 2, 3)), restored, new SplittableRandom(2),
                SnapshotSource.NONE);
        assertThat(node.commitIndex()).isEqualTo(3);
        assertThat(node.ready().committedEntries()).isEmpty();
    }
}
