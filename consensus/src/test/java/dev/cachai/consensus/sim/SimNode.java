package dev.cachai.consensus.sim;

import dev.cachai.consensus.PaxosConfig;
import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.PersistentState;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.SnapshotSource;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** One simulated server: the Paxos core, its disk and its state machine. */
final class SimNode {

    final int id;
    final PaxosConfig config;
    /** Ticks of this node per tick of simulated time: its clock's drift. */
    private final double tickRate;
    private double tickPhase;
    final SimDisk disk = new SimDisk();
    KvStateMachine kv;
    PaxosNode paxos;
    boolean alive;
    int incarnation;
    long appliedIndex;
    long appliedSinceSnapshot;
    /**
     * A Ready written but still syncing, as when the server's driver syncs on another thread:
     * the node keeps stepping meanwhile, and its next Ready waits until this one is carried out.
     */
    Ready syncing;
    /** {@link #syncing}'s chosen entries were applied before its sync: later chosen commands may follow it. */
    boolean syncingAppliedEarly;

    SimNode(int id, PaxosConfig config) {
        this(id, config, 1);
    }

    SimNode(int id, PaxosConfig config, double tickRate) {
        this.id = id;
        this.config = config;
        this.tickRate = tickRate;
    }

    /** How many times this node's clock ticks during the next tick of simulated time (0, 1 or 2). */
    int ticksDue() {
        tickPhase += tickRate;
        int due = (int) tickPhase;
        tickPhase -= due;
        return due;
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

    /** Hands Readies to {@code carryOut} until the node has nothing more to do or crashed. */
    void drainReadies(Consumer<Ready> carryOut) {
        while (alive && syncing == null) {
            Ready ready = paxos.ready();
            if (ready.isEmpty()) {
                return;
            }
            carryOut.accept(ready);
        }
    }

    void crash() {
        alive = false;
        syncing = null;
        disk.crash();
        paxos = null;
    }

    private Optional<SnapshotSource.SnapshotData> latestSnapshot() {
        return disk.snapshotData() == null ? Optional.empty()
                : Optional.of(new SnapshotSource.SnapshotData(disk.snapshotIndex(), disk.snapshotData()));
    }
}
