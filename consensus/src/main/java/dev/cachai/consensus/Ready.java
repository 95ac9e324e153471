package dev.cachai.consensus;

import dev.cachai.consensus.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the driver must do after feeding the node, in this order:
 * <ol>
 *   <li>send {@code messagesBeforePersist}: a leader's Accepts and Heartbeats, which carry its
 *       proposals and its commit index but no vote of this node as an acceptor, so they may
 *       travel while the leader's own log write is in progress;</li>
 *   <li>write {@code snapshotMarker}, {@code hardState} and {@code entriesToPersist} (an entry
 *       with the index of an earlier one replaces it), and sync when {@link #needsSync()};</li>
 *   <li>call {@link PaxosNode#persisted(Ready)}: only now does a leader count its own acceptance
 *       of these entries toward a quorum;</li>
 *   <li>send {@code messagesAfterPersist} (never before the sync: Promise, Accepted,
 *       HeartbeatAck, Reject and InstallSnapshotAck report promises and accepted slots just
 *       written);</li>
 *   <li>restore {@code snapshotToInstall} if present, then apply {@code committedEntries} (or
 *       apply them before step 2 when {@link #mayApplyBeforeSync()}; then, until step 3, the
 *       driver may also apply what {@link PaxosNode#takeChosenCommands()} hands out);</li>
 *   <li>serve {@code readStates}: their index is already covered by the entries applied above.</li>
 * </ol>
 * Readies are carried out one at a time, in the order {@link PaxosNode#ready()} returned them.
 * Inputs (tick, step, propose, readIndex) may go on between {@code ready()} and
 * {@code persisted(ready)}: a driver that syncs on another thread keeps feeding the node while the
 * sync runs. Their output waits for the next {@code ready()}, which comes only after
 * {@code persisted} (the simulation defers half its syncs this way).
 *
 * @param hardStateMustSync the hard state carries a new promise, or a commit index that chose a
 *                          membership change; a hard state that only moves the commit index
 *                          may be written without a sync (a lost commit index is learned again)
 */
public record Ready(
        Optional<HardState> hardState,
        boolean hardStateMustSync,
        List<Entry> entriesToPersist,
        Optional<SnapshotMarker> snapshotMarker,
        List<Message> messagesBeforePersist,
        List<Message> messagesAfterPersist,
        Optional<Snapshot> snapshotToInstall,
        List<Entry> committedEntries,
        List<ReadState> readStates) {

    public Ready {
        entriesToPersist = List.copyOf(entriesToPersist);
        messagesBeforePersist = List.copyOf(messagesBeforePersist);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
    }

    public boolean isEmpty() {
        return hardState.isEmpty() && entriesToPersist.isEmpty() && snapshotMarker.isEmpty()
                && messagesBeforePersist.isEmpty() && messagesAfterPersist.isEmpty() && snapshotToInstall.isEmpty()
                && committedEntries.isEmpty() && readStates.isEmpty();
    }

    /** Something must be durable before the messages after persist leave: one fsync. */
    public boolean needsSync() {
        return hardStateMustSync || !entriesToPersist.isEmpty() || snapshotMarker.isPresent();
    }

    /**
     * Whether {@code committedEntries} may be applied before this Ready is written and synced:
     * they are chosen, so durable at a quorum whether or not this node holds them yet, and a
     * follower's clients need not wait for its own sync to be answered. Not with a snapshot to
     * install, which comes first, nor with a hard state that must sync (a new promise, or a
     * commit index that chose a membership change, which a restart must find durable).
     */
    public boolean mayApplyBeforeSync() {
        return !hardStateMustSync && snapshotToInstall.isEmpty();
    }

    /**
     * Every message, those allowed before the sync first: what a driver that sends only after
     * the sync takes (correct, without the overlap of the leader's write and the followers').
     */
    public List<Message> messages() {
        List<Message> all = new ArrayList<>(messagesBeforePersist.size() + messagesAfterPersist.size());
        all.addAll(messagesBeforePersist);
        all.addAll(messagesAfterPersist);
        return all;
    }
}
