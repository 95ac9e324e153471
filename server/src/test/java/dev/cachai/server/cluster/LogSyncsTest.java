package dev.cachai.server.cluster;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import dev.cachai.consensus.HardState;
import dev.cachai.consensus.Ready;
import dev.cachai.consensus.wal.Wal;
import dev.cachai.consensus.wal.WalFatalError;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log sync the consensus loop hands to its own thread. */
class LogSyncsTest {
    private static final Ballot BALLOT = new Ballot(1, 1);

    @TempDir
    Path dir;

    private final List<Ready> carriedOut = new CopyOnWriteArrayList<>();
    private final AtomicInteger wakes = new AtomicInteger();

    private static Ready readyWith(long index) {
        return new Ready(Optional.of(new HardState(BALLOT, 0)), true, List.of(Entry.noop(index, BALLOT)),
                Optional.empty(), List.of(), List.of(), Optional.empty(), List.of(), List.of());
    }

    private LogSyncs syncs(Runnable syncLog) {
        return new LogSyncs(syncLog, wakes::incrementAndGet, (ready, nanos) -> carriedOut.add(ready));
    }

    /** Slot 1 written to {@code wal}, not yet synced. */
    private static Ready writtenTo(Wal wal) {
        Ready ready = readyWith(1);
        wal.write(ready);
        return ready;
    }

    @Test
    void aReadyIsCarriedOutOnTheLoopOnlyAfterItsSyncAndOnlyOnce() throws IOException {
        try (Wal wal = Wal.open(dir)) {
            LogSyncs syncs = syncs(wal::sync);
            Ready first = writtenTo(wal);
            long fsyncsBefore = wal.fsyncCount();
            syncs.start(first);
            assertThat(syncs.inFlight()).isTrue();
            assertThatThrownBy(() -> syncs.start(readyWith(2))).isInstanceOf(IllegalStateException.class);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() == 1);
            assertThat(carriedOut).as("the loop finishes the Ready, not the sync thread").isEmpty();
            syncs.finishIfDone();
            syncs.finishIfDone();
            assertThat(carriedOut).containsExactly(first);
            assertThat(syncs.inFlight()).isFalse();
            assertThat(wal.fsyncCount()).isGreaterThan(fsyncsBefore);
            syncs.stop();
        }
        try (Wal wal = Wal.open(dir)) {
            assertThat(wal.recovered().entries()).extracting(Entry::index).containsExactly(1L);
        }
    }

    @Test
    void aFailedSyncStopsTheLoopWithoutCarryingTheReadyOut() {
        LogSyncs syncs = syncs(() -> {
            throw new WalFatalError("fsync failed in " + dir, new IOException("Input/output error"));
        });
        Ready ready = readyWith(1);
        syncs.start(ready);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() == 1);
        assertThatThrownBy(syncs::finishIfDone).isInstanceOf(WalFatalError.class);
        assertThat(carriedOut).isEmpty();
        syncs.stop();
    }

    @Test
    void aSyncOnTheLoopCarriesOutAtOnce() throws IOException {
        try (Wal wal = Wal.open(dir)) {
            LogSyncs syncs = syncs(wal::sync);
            Ready ready = writtenTo(wal);
            syncs.syncHere(ready);
            assertThat(carriedOut).containsExactly(ready);
            assertThat(wakes.get()).isZero();
            syncs.stop();
        }
    }
}
