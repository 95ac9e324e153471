package dev.cachai.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachai.consensus.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Lease reads: answered by the leader alone while followers cannot elect anyone else. */
class LeaseReadTest {

    private static final int LEASE_MARGIN_TICKS = 2;
    private static final int ELECTION_TICKS = 10;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Three nodes with lease reads, past the start-up wait in which a node votes for nobody. */
    private static TestCluster leasedCluster() {
        TestCluster cluster = new TestCluster(3, c -> c.withLeaseReads(true, LEASE_MARGIN_TICKS));
        cluster.isolated.addAll(cluster.nodes.keySet());
        for (int tick = 0; tick < ELECTION_TICKS; tick++) {
            for (int id : cluster.nodes.keySet()) {
                cluster.node(id).tick();
                cluster.process(id);
            }
        }
        cluster.isolated.clear();
        return cluster;
    }

    @Test
    void aReadIndexIsAnsweredWithoutARoundTripWhileTheLeaseHolds() {
        TestCluster cluster = leasedCluster();
        PaxosNode leader = cluster.elect(1);
        assertThat(leader.readIndex(bytes("r"))).isInstanceOf(SubmitResult.Pending.class);
        Ready ready = leader.ready();
        assertThat(ready.messages()).as("no heartbeat round").isEmpty();
        assertThat(ready.readStates()).singleElement().satisfies(read -> {
            assertThat(read.context()).isEqualTo(bytes("r"));
            assertThat(read.index()).isEqualTo(leader.commitIndex());
        });

        TestCluster plain = new TestCluster(3);
        PaxosNode plainLeader = plain.elect(1);
        plainLeader.readIndex(bytes("r"));
        Ready asking = plainLeader.ready();
        assertThat(asking.readStates()).isEmpty();
        assertThat(asking.messages()).hasSize(2).allSatisfy(m -> assertThat(m).isInstanceOf(Message.Heartbeat.class));
    }

    @Test
    void theLeaseEndsLeaseTicksAfterTheLastHeartbeatAQuorumAnswered() {
        TestCluster cluster = leasedCluster();
        PaxosNode leader = cluster.elect(1);
        cluster.isolated.add(2);
        cluster.isolated.add(3);
        int leaseTicks = ELECTION_TICKS - LEASE_MARGIN_TICKS;
        for (int tick = 0; tick < leaseTicks - 1; tick++) {
            leader.tick();
            cluster.process(1);
        }
        leader.readIndex(bytes("last"));
        cluster.process(1);
        assertThat(cluster.reads.get(1)).as("one tick of lease left").hasSize(1);
        leader.tick();
        cluster.process(1);
        leader.readIndex(bytes("late"));
        Ready ready = leader.ready();
        assertThat(ready.readStates()).isEmpty();
        assertThat(ready.messages()).allSatisfy(m -> assertThat(m).isInstanceOf(Message.Heartbeat.class));
    }

    @Test
    void aFollowerThatHearsTheLeaderPromisesNoOneElseExceptOnATransfer() {
        TestCluster cluster = leasedCluster();
        PaxosNode leader = cluster.elect(1);
        PaxosNode follower = cluster.node(2);
        Ballot higher = new Ballot(leader.promised().round() + 1, 3);
        follower.step(new Message.Prepare(3, 2, higher, leader.commitIndex() + 1, leader.commitIndex(), false));
        assertThat(follower.ready().messages()).singleElement().isInstanceOf(Message.Reject.class);
        assertThat(follower.promised()).isEqualTo(leader.promised());
        follower.step(new Message.Prepare(3, 2, higher, leader.commitIndex() + 1, leader.commitIndex(), true));
        assertThat(follower.ready().messages()).singleElement().isInstanceOf(Message.Promise.class);
        assertThat(follower.promised()).isEqualTo(higher);
    }

    @Test
    void aRestartedNodeVotesForNoOneDuringItsFirstElectionTicks() {
        PaxosConfig config = PaxosConfig.defaults(2, Set.of(1, 2, 3)).withElection(ELECTION_TICKS, 2)
                .withLeaseReads(true, LEASE_MARGIN_TICKS);
        PaxosNode node = PaxosNode.fresh(config, new SplittableRandom(2), SnapshotSource.NONE);
        Ballot ballot = new Ballot(1, 3);
        node.step(new Message.Prepare(3, 2, ballot, 1, 0, false));
        assertThat(node.ready().messages()).singleElement().isInstanceOf(Message.Reject.class);
        for (int tick = 0; tick < ELECTION_TICKS; tick++) {
            node.tick();
            node.ready();
        }
        node.step(new Message.Prepare(3, 2, ballot, 1, 0, false));
        assertThat(node.ready().messages()).singleElement().isInstanceOf(Message.Promise.class);
    }

    @Test
    void aLeaderThatStartsATransferGivesUpItsLease() {
        TestCluster cluster = leasedCluster();
        PaxosNode leader = cluster.elect(1);
        assertThat(leader.transferLeadership(2)).isInstanceOf(SubmitResult.Pending.class);
        leader.readIndex(bytes("r"));
        Ready ready = leader.ready();
        assertThat(ready.readStates()).isEmpty();
        assertThat(ready.messages()).anySatisfy(m -> assertThat(m).isInstanceOf(Message.Heartbeat.class));
    }
}
