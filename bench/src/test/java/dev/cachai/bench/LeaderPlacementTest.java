package dev.cachai.bench;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.bench.server.ClusterLauncher;
import dev.cachai.bench.server.ServerLauncher;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderPlacementTest {
    /** A cluster whose leader is a field; movable or not, and counting the moves asked of it. */
    private static class FakeCluster implements ClusterLauncher {
        private final String name;
        private final boolean movable;
        int leader;
        final List<Integer> movesAsked = new ArrayList<>();

        FakeCluster(String name, boolean movable, int leader) {
            this.name = name;
            this.movable = movable;
            this.leader = leader;
        }

        @Override public String name() { return name; }
        @Override public Optional<String> unavailableReason() { return Optional.empty(); }
        @Override public Endpoints start(Path workDir) { return new Endpoints(name, List.of(), List.of()); }
        @Override public void close() {}
        @Override public int leaderIndex() { return leader; }
        @Override public boolean canMoveLeader() { return movable; }
        @Override public void kill(int member) {}

        @Override
        public void moveLeader(int member) {
            movesAsked.add(member);
            leader = member;
        }
    }

    @Test
    void leadersGoWhereTheImmovableOneLeadsAndOnlyMovesThatAreNeededAreMade() throws Exception {
        FakeCluster cachai = new FakeCluster("cachai", true, 0);
        FakeCluster etcd = new FakeCluster("etcd", true, 1);
        FakeCluster zookeeper = new FakeCluster("zookeeper", false, 1);
        List<ServerLauncher> up = List.of(cachai, etcd, zookeeper);

        LeaderPlacement placement = LeaderPlacement.choose(up, OptionalInt.empty(), 3);
        assertThat(placement.member()).isEqualTo(1);
        placement.apply(up);
        assertThat(cachai.movesAsked).containsExactly(1);
        assertThat(etcd.movesAsked).isEmpty();

        zookeeper.leader = 2; // an election moved the one that cannot be moved back
        cachai.leader = 2;
        placement.apply(up);
        assertThat(cachai.movesAsked).containsExactly(1, 1);
        assertThat(placement.describe(up)).contains("member 1 ")
                .contains("cachai: moved there before 2 of 2 rows, elsewhere at 0")
                .contains("etcd: moved there before 0 of 2 rows, elsewhere at 0")
                .contains("zookeeper: moved there before 0 of 2 rows, elsewhere at 1");
    }

    @Test
    void aRequestedMemberWinsAndWithoutAnImmovableTargetTheLastMemberIsChosen() throws Exception {
        FakeCluster zookeeper = new FakeCluster("zookeeper", false, 1);
        FakeCluster cachai = new FakeCluster("cachai", true, 1);
        assertThat(LeaderPlacement.choose(List.of(cachai, zookeeper), OptionalInt.of(0), 3).member()).isZero();
        assertThat(LeaderPlacement.choose(List.of(cachai), OptionalInt.empty(), 3).member()).isEqualTo(2);
        // ZooKeeper without a leader yet (-1) gives no member to follow.
        zookeeper.leader = -1;
        assertThat(LeaderPlacement.choose(List.of(cachai, zookeeper), OptionalInt.empty(), 5).member()).isEqualTo(4);
    }

    @Test
    void aFailedMoveCountsAsElsewhereAndTheRowStillRuns() {
        FakeCluster broken = new FakeCluster("etcd", true, 0) {
            @Override
            public void moveLeader(int member) {
                throw new IllegalStateException("etcdserver: not leader");
            }
        };
        List<ServerLauncher> up = List.of(broken);
        LeaderPlacement placement;
        try {
            placement = LeaderPlacement.choose(up, OptionalInt.of(2), 3);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        placement.apply(up);
        assertThat(placement.describe(up)).contains("etcd: moved there before 0 of 1 rows, elsewhere at 1");
    }
}
