package dev.cachai.server.cluster;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.PaxosConfig;
import dev.cachai.consensus.PersistentState;
import dev.cachai.consensus.wal.WalState;
import dev.cachai.server.config.InitialCluster;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterBootTest {
    private static final PaxosConfig CONFIG = ClusterBoot.paxosConfig(1,
            InitialCluster.parse("a=h:1,b=h:2,c=h:3", "new").members(), ClusterLimits.DEFAULTS);
    private static final Ballot BALLOT = new Ballot(2, 1);

    private static List<Entry> entries(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to)
                .mapToObj(i -> new Entry(i, BALLOT, EntryKind.COMMAND, new byte[] {(byte) i})).toList();
    }

    @Test
    void aSnapshotTheLogAlreadyCoversRestartsFromTheLog() {
        WalState wal = new WalState(new HardState(BALLOT, 8), entries(1, 9), Optional.empty());
        PersistentState state = ClusterBoot.restartState(wal, 5, CONFIG);
        assertThat(state.appliedIndex()).isEqualTo(5);
        assertThat(state.entries()).hasSize(9);
    }

    @Test
    void aSnapshotInstalledJustBeforeACrashCountsAsMarked() {
        WalState wal = new WalState(new HardState(BALLOT, 3), entries(1, 12), Optional.empty());
        PersistentState state = ClusterBoot.restartState(wal, 10, CONFIG);
        assertThat(state.snapshot()).hasValueSatisfying(m -> assertThat(m.index()).isEqualTo(10));
        assertThat(state.hardState().commitIndex()).isEqualTo(10);
        assertThat(state.entries()).extracting(Entry::index).containsExactly(11L, 12L);
    }

    @Test
    void aLogCompactedBeyondEverySnapshotIsRefused() {
        WalState wal = new WalState(new HardState(BALLOT, 20), entries(16, 20),
                Optional.of(new dev.cachai.consensus.SnapshotMarker(15,
                        dev.cachai.consensus.Membership.ofVoters(CONFIG.initialVoters()))));
        assertThatThrownBy(() -> ClusterBoot.restartState(wal, 10, CONFIG)).hasMessageContaining("restore a snapshot");
    }
}
