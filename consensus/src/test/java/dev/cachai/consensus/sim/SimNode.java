package dev.cachai.consensus.sim;

import dev.cachai.consensus.PaxosConfig;
import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.PersistentState;
import dev.cachai.consensus.SnapshotSource;
import java.util.Optional;
import java.util.SplittableRandom;

/** One simulated server: the Paxos core, its disk and its state machine. */
final class SimNode {

    final int id;
    final PaxosConfig config;
    final SimDisk disk = new SimDisk();
    KvStateMachine kv;
    PaxosNode paxos;
    boolean alive;
    int incarnation;
    long appliedIndex;
    long appliedSinceSnapshot;

    SimNode(int id, PaxosConfig config) {
        this.id = id;
        this.config = config;
    }

    void start(long seed) {
        PersistentState restored = disk.restore();
        kv = new KvStateMachine();
        if (disk.snapshotData() != null) {
            kv.restore(disk.snapshotData());
        }
        appliedIndex = restored.appliedIndex();
        appliedSinceSnapshot = 0;
        incarnation++;
        SnapshotSource snapshots = SnapshotSource.fromLatest(this::latestSnapshot);
        paxos = new PaxosNode(config, restored, new SplittableRandom(seed), snapshots);
        alive = true;
    }

    void crash() {
        alive = false;
        disk.crash();
        paxos = null;
    }

    private Optional<SnapshotSource.SnapshotData> latestSnapshot() {
        return disk.snapshotData() == null ? Optional.empty()
                : Optional.of(new SnapshotSource.SnapshotData(disk.snapshotIndex(), disk.snapshotData()));
    }
}
