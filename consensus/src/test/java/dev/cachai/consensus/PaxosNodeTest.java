package dev.cachai.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachai.consensus.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PaxosNodeTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void followerRefusesProposalsAndNamesTheLeader() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(2);
        assertThat(cluster.node(1).propose(bytes("x"))).isEqualTo(new SubmitResult.NotLeader(2));
        assertThat(new TestCluster(3).node(1).propose(bytes("x")))
                .isEqualTo(new SubmitResult.NotLeader(SubmitResult.NO_LEADER));
    }

    @Test
    void theLeaderKnowsWhichMembersAnsweredWithinAnElectionTimeout() {
        TestCluster cluster = new TestCluster(3); // election after 10 ticks, heartbeats every 2
        PaxosNode leader = cluster.elect(1);
        cluster.tickAll(3);
        assertThat(leader.heardWithinElectionTimeout(1)).as("itself").isTrue();
        assertThat(leader.heardWithinElectionTimeout(2)).isTrue();
        assertThat(leader.heardWithinElectionTimeout(3)).isTrue();
        assertThat(cluster.node(2).heardWithinElectionTimeout(3)).as("only a leader knows").isFalse();

        cluster.isolated.add(3);
        cluster.tickAll(9);
        assertThat(leader.heardWithinElectionTimeout(3)).as("9 ticks of silence").isTrue();
        cluster.tickAll(2);
        assertThat(leader.heardWithinElectionTimeout(3)).isFalse();
        assertThat(leader.heardWithinElectionTimeout(2)).isTrue();

        cluster.isolated.clear();
        cluster.tickAll(3);
        assertThat(leader.heardWithinElectionTimeout(3)).isTrue();
    }

    @Test
    void proposalsAreBatchedIntoOneAcceptPerFollower() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        for (int i = 0; i < 5; i++) {
            leader.propose(bytes("c" + i));
        }
        List<Message> messages = leader.ready().messages();
        assertThat(messages).hasSize(2).allSatisfy(m -> {
            assertThat(m).isInstanceOf(Message.Accept.class);
            assertThat(((Message.Accept) m).entries()).hasSize(5);
        });
    }

    @Test
    void inflightWindowBoundsUnacknowledgedAccepts() {
        TestCluster cluster = new TestCluster(3, c -> c.withPipeline(1, 2, 100));
        PaxosNode leader = cluster.elect(1);
        for (int i = 0; i < 5; i++) {
            leader.propose(bytes("c" + i));
        }
        List<Message> toNode2 = leader.ready().messages().stream().filter(m -> m.to() == 2).toList();
        assertThat(toNode2).hasSize(2);
    }

    @Test
    void leaderRefusesProposalsBeyondTheUncommittedLimitAndOversizedCommands() {
        TestCluster cluster = new TestCluster(3, c -> c.withPipeline(8, 4, 3));
        PaxosNode leader = cluster.elect(1);
        for (int i = 0; i < 3; i++) {
            assertThat(leader.propose(bytes("c" + i))).isInstanceOf(SubmitResult.Accepted.class);
        }
        assertThat(leader.propose(bytes("too many"))).isInstanceOf(SubmitResult.Rejected.class);
        cluster.stabilize();
        assertThat(leader.propose(bytes("room again"))).isInstanceOf(SubmitResult.Accepted.class);
        byte[] huge = new byte[leader.membership().voters().size() + (1 << 20)];
        assertThat(leader.propose(huge)).isInstanceOf(SubmitResult.Rejected.class);
    }

    @Test
    void everyReplicaAppliesTheSameCommands() {
        TestCluster cluster = new TestCluster(5);
        PaxosNode leader = cluster.elect(3);
        for (int i = 0; i < 20; i++) {
            leader.propose(bytes("c" + i));
        }
        cluster.stabilize();
        cluster.tickAll(2);
        List<Entry> reference = cluster.applied.get(3);
        assertThat(reference).hasSize(21);
        cluster.applied.values().forEach(log -> assertThat(log).hasSameSizeAs(reference));
    }

    @Test
    void isolatedLeaderStepsDownOnceItLosesItsQuorum() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        cluster.isolated.add(1);
        for (int i = 0; i < 20; i++) {
            leader.tick();
            cluster.process(1);
        }
        assertThat(leader.role()).isEqualTo(Role.FOLLOWER);
        assertThat(leader.propose(bytes("x"))).isInstanceOf(SubmitResult.NotLeader.class);
    }

    @Test
    void preVoteKeepsAnIsolatedNodeFromRaisingBallots() {
        TestCluster cluster = new TestCluster(3);
        cluster.elect(1);
        Ballot before = cluster.node(1).promised();
        cluster.isolated.add(3);
        for (int i = 0; i < 100; i++) {
            cluster.node(3).tick();
            cluster.process(3);
        }
        assertThat(cluster.node(3).promised()).isEqualTo(before);
        cluster.isolated.clear();
        cluster.tickAll(3);
        assertThat(cluster.node(1).role()).isEqualTo(Role.LEADER);
        assertThat(cluster.node(1).promised()).isEqualTo(before);
    }

    @Test
    void linearizableReadWaitsForAQuorumRoundAndForApply() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        leader.propose(bytes("w"));
        assertThat(leader.readIndex(bytes("r"))).isInstanceOf(SubmitResult.Pending.class);
        cluster.process(1);
        assertThat(cluster.reads.get(1)).isEmpty();
        cluster.stabilize();
        // The write was not chosen when the read arrived, so the read may be served before it.
        assertThat(cluster.reads.get(1)).singleElement().satisfies(read -> assertThat(read.index()).isEqualTo(1));
        assertThat(cluster.node(2).readIndex(bytes("f"))).isInstanceOf(SubmitResult.Pending.class);
        cluster.stabilize();
        cluster.tickAll(2);
        assertThat(cluster.reads.get(2)).extracting(r -> new String(r.context(), StandardCharsets.UTF_8))
                .containsExactly("f");
    }

    @Test
    void restartedAcceptorKeepsItsPromise() {
        PaxosConfig config = PaxosConfig.defaults(2, Set.of(1, 2, 3));
        PaxosNode acceptor = PaxosNode.fresh(config, new SplittableRandom(2), SnapshotSource.NONE);
        Ballot high = new Ballot(5, 3);
        acceptor.step(new Message.Prepare(3, 2, high, 1, 0, false));
        HardState durable = acceptor.ready().hardState().orElseThrow();
        assertThat(durable.promised()).isEqualTo(high);

        PaxosNode restarted = new PaxosNode(config, new PersistentState(durable, List.of(), Optional.empty(), 0),
                new SplittableRandom(3), SnapshotSource.NONE);
        Ballot low = new Ballot(4, 1);
        restarted.step(new Message.Accept(1, 2, low, 0, List.of(Entry.noop(1, low))));
        Ready ready = restarted.ready();
        assertThat(ready.entriesToPersist()).isEmpty();
        assertThat(ready.messages()).singleElement().isInstanceOf(Message.Reject.class);
    }

    @Test
    void promiseReportsAcceptedValuesSoTheNextLeaderReproposesThem() {
        PaxosConfig config = PaxosConfig.defaults(2, Set.of(1, 2, 3));
        PaxosNode acceptor = PaxosNode.fresh(config, new SplittableRandom(2), SnapshotSource.NONE);
        Ballot first = new Ballot(1, 1);
        Entry accepted = new Entry(1, first, EntryKind.COMMAND, bytes("v"));
        acceptor.step(new Message.Accept(1, 2, first, 0, List.of(accepted)));
        acceptor.ready();
        acceptor.step(new Message.Prepare(3, 2, new Ballot(2, 3), 1, 0, false));
        Message promise = acceptor.ready().messages().get(0);
        assertThat(promise).isInstanceOfSatisfying(Message.Promise.class,
                p -> assertThat(p.accepted()).containsExactly(accepted));
    }

    @Test
    void aLongAcceptedTailIsReportedInPagesAndFullyReproposed() {
        TestCluster cluster = new TestCluster(3, c -> c.withPipeline(2, 8, 100).withGuards(false, false));
        PaxosNode leader = cluster.elect(1);
        cluster.tickAll(2);
        for (int i = 0; i < 7; i++) {
            leader.propose(bytes("c" + i));
        }
        for (Message message : leader.ready().messages()) {
            if (message.to() == 3) {
                cluster.node(3).step(message);
            }
        }
        cluster.node(3).ready();
        cluster.isolated.add(1);
        cluster.node(2).campaign();
        List<Message> prepares = cluster.node(2).ready().messages();
        Message prepareTo3 = prepares.stream().filter(m -> m.to() == 3).findFirst().orElseThrow();
        int pages = 0;
        Message next = prepareTo3;
        while (next instanceof Message.Prepare) {
            cluster.node(3).step(next);
            Message.Promise page = (Message.Promise) cluster.node(3).ready().messages().get(0);
            assertThat(page.accepted()).hasSizeLessThanOrEqualTo(2);
            pages++;
            cluster.node(2).step(page);
            next = cluster.node(2).ready().messages().stream().filter(m -> m.to() == 3).findFirst().orElse(null);
        }
        assertThat(pages).isEqualTo(4);
        assertThat(cluster.node(2).role()).isEqualTo(Role.LEADER);
        for (int i = 0; i < 7; i++) {
            Entry slot = cluster.node(2).entry(2 + i).orElseThrow();
            assertThat(new String(slot.data(), StandardCharsets.UTF_8)).isEqualTo("c" + i);
            assertThat(slot.ballot()).isEqualTo(cluster.node(2).promised());
        }
    }

    @Test
    void inconsistentLimitsAreRefusedAtStartUp() {
        assertThatThrownBy(() -> PaxosConfig.defaults(1, Set.of(1)).withElection(2, 2))
                .isInstanceOf(ConsensusInvariantError.class);
        assertThatThrownBy(() -> PaxosConfig.defaults(0, Set.of(1))).isInstanceOf(ConsensusInvariantError.class);
    }

    @Test
    void memberMetadataIsChosenWithTheMembershipAndRefusedAboveItsLimit() {
        PaxosNode node = PaxosNode.fresh(PaxosConfig.defaults(1, Set.of(1)), new SplittableRandom(1),
                SnapshotSource.NONE);
        node.campaign();
        persistAll(node);
        assertThat(node.changeMembership(new MembershipChange.UpdateMetadata(1, "a http://h:1")))
                .isInstanceOf(SubmitResult.Accepted.class);
        persistAll(node);
        assertThat(node.membership().metadataOf(1)).isEqualTo("a http://h:1");
        assertThat(node.changeMembership(new MembershipChange.AddLearner(7, "x".repeat(Membership.METADATA_BYTES_MAX + 1))))
                .isInstanceOf(SubmitResult.Rejected.class);
        assertThat(node.changeMembership(new MembershipChange.UpdateMetadata(9, "y")))
                .isEqualTo(new SubmitResult.Rejected("not a member"));
        assertThat(node.changeMembership(new MembershipChange.AddLearner(7, "b"))).isInstanceOf(SubmitResult.Accepted.class);
        persistAll(node);
        assertThat(node.membership().learners()).containsExactly(7);
        assertThat(node.membership().metadataOf(7)).isEqualTo("b");
        assertThat(node.matchIndexOf(7)).isZero();
        assertThat(node.matchIndexOf(1)).isEqualTo(node.lastIndex());
        assertThat(node.changeMembership(new MembershipChange.Remove(7))).isInstanceOf(SubmitResult.Accepted.class);
        persistAll(node);
        assertThat(node.membership().metadata()).containsOnlyKeys(1);
        assertThat(node.matchIndexOf(7)).isEqualTo(-1);
    }

    @Test
    void aSingleNodeDropsAppliedSlotsAndSendsALaterMemberASnapshotPastThem() {
        java.util.concurrent.atomic.AtomicReference<Optional<SnapshotSource.SnapshotData>> latest =
                new java.util.concurrent.atomic.AtomicReference<>(Optional.empty());
        PaxosNode node = PaxosNode.fresh(PaxosConfig.defaults(1, Set.of(1)), new SplittableRandom(1),
                SnapshotSource.fromLatest(latest::get));
        node.campaign();
        persistAll(node);
        for (int i = 0; i < 5; i++) {
            assertThat(node.propose(bytes("c" + i))).isInstanceOf(SubmitResult.Accepted.class);
            persistAll(node);
        }
        long applied = node.commitIndex();
        assertThat(node.entry(applied)).as("an applied slot of a single node").isEmpty();
        assertThat(node.snapshotIndex()).as("released, not compacted: the durable log keeps it").isZero();
        assertThat(node.propose(bytes("next"))).isInstanceOf(SubmitResult.Accepted.class);
        Ready next = node.ready();
        assertThat(next.entriesToPersist()).extracting(Entry::index).containsExactly(applied + 1);
        node.persisted(next);
        persistAll(node);

        assertThat(node.changeMembership(new MembershipChange.AddLearner(7, "b"))).isInstanceOf(SubmitResult.Accepted.class);
        List<Message> sent = persistAll(node);
        Message.Heartbeat beat = (Message.Heartbeat) sent.stream().filter(m -> m.to() == 7).findFirst().orElseThrow();
        node.step(new Message.HeartbeatAck(7, 1, beat.ballot(), 0, 0, beat.readSeq()));
        sent = persistAll(node);
        assertThat(sent).as("no Accept with a hole to the new member").noneMatch(m -> m.to() == 7 && m instanceof Message.Accept);
        assertThat(node.snapshotWanted()).isEqualTo(applied + 1);

        latest.set(Optional.of(new SnapshotSource.SnapshotData(node.commitIndex(), bytes("state"))));
        node.tick();
        assertThat(persistAll(node)).filteredOn(m -> m.to() == 7)
                .anyMatch(m -> m instanceof Message.InstallSnapshot s && s.snapshotIndex() >= applied + 1)
                .noneMatch(m -> m instanceof Message.Accept);
    }

    @Test
    void membersDropSlotsAllHoldAndANewLeaderNeedsNoSnapshotForThem() {
        TestCluster cluster = new TestCluster(3);
        PaxosNode leader = cluster.elect(1);
        for (int i = 0; i < 10; i++) {
            leader.propose(bytes("c" + i));
        }
        cluster.stabilize();
        cluster.tickAll(3);
        long early = cluster.applied.get(1).get(2).index();
        for (int id = 1; id <= 3; id++) {
            assertThat(cluster.node(id).entry(early)).as("slot %d on node %d", early, id).isEmpty();
            assertThat(cluster.applied.get(id)).as("applied on node %d", id).hasSize(cluster.applied.get(1).size());
        }
        cluster.isolated.add(1);
        for (int tick = 0; tick < 100 && leaderAmong(cluster, 2, 3) == null; tick++) {
            cluster.tickAll(1);
        }
        PaxosNode next = leaderAmong(cluster, 2, 3);
        assertThat(next).as("a new leader").isNotNull();
        int other = next == cluster.node(2) ? 3 : 2;
        next.propose(bytes("after"));
        cluster.stabilize();
        assertThat(cluster.applied.get(other)).last().satisfies(e -> assertThat(e.data()).isEqualTo(bytes("after")));
        assertThat(next.snapshotWanted()).as("the other member holds the dropped slots").isZero();
    }

    private static PaxosNode leaderAmong(TestCluster cluster, int... ids) {
        for (int id : ids) {
            if (cluster.node(id).role() == Role.LEADER) {
                return cluster.node(id);
            }
        }
        return null;
    }

    /** Carries out every Ready as a driver would (its writes reach disk), until there is none; returns what it sent. */
    private static List<Message> persistAll(PaxosNode node) {
        List<Message> sent = new java.util.ArrayList<>();
        for (Ready r = node.ready(); !r.isEmpty(); r = node.ready()) {
            sent.addAll(r.messages());
            node.persisted(r);
        }
        return sent;
    }
}
