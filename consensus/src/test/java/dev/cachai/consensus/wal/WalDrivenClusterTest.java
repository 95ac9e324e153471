package dev.cachai.consensus.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.PaxosConfig;
import dev.cachai.consensus.PaxosNode;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.Role;
import dev.cachai.consensus.SnapshotSource;
import dev.cachai.consensus.message.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core driven the way the server will drive it, with real WAL files and restarts. */
class WalDrivenClusterTest {

    private static final Set<Integer> VOTERS = Set.of(1, 2, 3);
    private static final WalOptions SMALL_SEGMENTS = new WalOptions(8192, 4096);

    @TempDir
    Path root;

    private final Map<Integer, PaxosNode> nodes = new HashMap<>();
    private final Map<Integer, Wal> wals = new HashMap<>();
    private final Map<Integer, List<String>> applied = new HashMap<>();
    private final Map<Integer, Long> appliedIndex = new HashMap<>();
    private final Map<Integer, List<String>> snapshots = new HashMap<>();
    private final Deque<Message> inFlight = new ArrayDeque<>();

    @Test
    void nodesRecoverFromTheirLogAndCatchUp() throws IOException {
        for (int id : VOTERS) {
            start(id);
        }
        nodes.get(1).campaign();
        settle();
        assertThat(nodes.get(1).role()).isEqualTo(Role.LEADER);
        proposeMany(1, 0, 60);

        // Node 1 snapshots its state machine (the applied list) and drops old segments.
        long compactAt = appliedIndex.get(1);
        snapshots.put(1, List.copyOf(applied.get(1)));
        nodes.get(1).compact(compactAt);
        settle();
        wals.get(1).truncateBefore(compactAt + 1);

        crash(2);
        proposeMany(1, 60, 80);
        start(2);
        for (int i = 0; i < 20; i++) {
            tickAll();
        }
        assertThat(applied.get(2)).isEqualTo(applied.get(1));

        crash(1);
        crash(3);
        start(1);
        start(3);
        for (int i = 0; i < 60 && leader().isEmpty(); i++) {
            tickAll();
        }
        int leader = leader().orElseThrow();
        proposeMany(leader, 80, 90);
        for (int i = 0; i < 5; i++) {
            tickAll();
        }
        assertThat(applied.get(1)).hasSize(90).isEqualTo(applied.get(2)).isEqualTo(applied.get(3));
    }

    private void start(int id) throws IOException {
        Wal wal = Wal.open(root.resolve("node-" + id), SMALL_SEGMENTS);
        WalState state = wal.recovered();
        // The state machine restarts from its snapshot, or empty, and replays the log after it.
        long applied = state.snapshot().map(marker -> marker.index()).orElse(0L);
        this.applied.put(id, new ArrayList<>(applied == 0 ? List.of() : snapshots.get(id)));
        appliedIndex.put(id, applied);
        PaxosConfig config = PaxosConfig.defaults(id, VOTERS).withElection(10, 2);
        nodes.put(id, new PaxosNode(config, state.toPersistentState(applied), new SplittableRandom(id),
                SnapshotSource.NONE));
        wals.put(id, wal);
    }

    private void crash(int id) throws IOException {
        nodes.remove(id);
        wals.remove(id).close();
        inFlight.removeIf(m -> m.to() == id);
    }

    private void proposeMany(int leader, int from, int to) {
        for (int i = from; i < to; i++) {
            nodes.get(leader).propose(("cmd-" + i).getBytes(StandardCharsets.UTF_8));
            if (i % 7 == 0) {
                settle();
            }
        }
        settle();
        tickAll();
    }

    private void tickAll() {
        for (int id : List.copyOf(nodes.keySet())) {
            nodes.get(id).tick();
            process(id);
        }
        settle();
    }

    private void settle() {
        nodes.keySet().forEach(this::process);
        while (!inFlight.isEmpty()) {
            Message message = inFlight.poll();
            if (nodes.containsKey(message.to())) {
                nodes.get(message.to()).step(message);
                process(message.to());
            }
        }
    }

    private void process(int id) {
        Ready ready = nodes.get(id).ready();
        inFlight.addAll(ready.messagesBeforePersist());
        wals.get(id).save(ready);
        nodes.get(id).persisted(ready);
        inFlight.addAll(ready.messagesAfterPersist());
        for (Entry entry : ready.committedEntries()) {
            if (entry.kind() == EntryKind.COMMAND) {
                applied.get(id).add(new String(entry.data(), StandardCharsets.UTF_8));
            }
            appliedIndex.put(id, entry.index());
        }
    }

    private Optional<Integer> leader() {
        return nodes.entrySet().stream().filter(e -> e.getValue().role() == Role.LEADER).map(Map.Entry::getKey)
                .findFirst();
    }
}
