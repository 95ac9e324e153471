package dev.cachai.server.driver;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.server.config.AutoCompaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** The leader's compactions on a fake clock: etcd's auto-compaction on top of the memory guard. */
class LeaderDutiesTest {
    private static final long CHECK_MS = 1_000;

    private final SyncGateway gateway = new SyncGateway();
    private final Engine engine = gateway.engine();
    private final AtomicLong clockMs = new AtomicLong(50_000);
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final List<Command> proposed = new ArrayList<>();

    @Test
    void revisionModeCompactsToTheNewestRetainedOncePerCheck() {
        LeaderDuties duties = duties(new AutoCompaction.Revisions(10), 1_000_000);
        duties.autoCompact();
        write(30);
        clockMs.addAndGet(CHECK_MS - 1);
        duties.autoCompact();
        assertThat(engine.compactRevision()).as("never compacted, as etcd reports it").isEqualTo(-1);
        clockMs.addAndGet(1);
        duties.autoCompact();
        assertThat(engine.compactRevision()).isEqualTo(engine.revision() - 10);
        write(5);
        clockMs.addAndGet(CHECK_MS);
        duties.autoCompact();
        assertThat(engine.compactRevision()).isEqualTo(engine.revision() - 10);
    }

    @Test
    void aNewLeadershipStartsOver() {
        LeaderDuties duties = duties(new AutoCompaction.Revisions(10), 1_000_000);
        duties.autoCompact();
        write(30);
        clockMs.addAndGet(CHECK_MS / 2);
        leading.set(false);
        duties.autoCompact();
        leading.set(true);
        duties.autoCompact();
        clockMs.addAndGet(CHECK_MS / 2);
        duties.autoCompact();
        assertThat(proposedCompactions()).as("the old leadership's schedule is gone").isEmpty();
        clockMs.addAndGet(CHECK_MS / 2);
        duties.autoCompact();
        assertThat(proposedCompactions()).containsExactly(new Compact(engine.revision() - 10));
    }

    @Test
    void followersNeverCompact() {
        leading.set(false);
        LeaderDuties duties = duties(new AutoCompaction.Revisions(1), 5);
        write(30);
        for (int i = 0; i < 5; i++) {
            clockMs.addAndGet(CHECK_MS);
            duties.autoCompact();
            duties.compactHistory();
        }
        assertThat(proposedCompactions()).isEmpty();
    }

    @Test
    void theMemoryGuardRunsWhateverTheModeSays() {
        LeaderDuties duties = duties(new AutoCompaction.Periodic(3_600_000), 10);
        duties.autoCompact();
        write(25);
        duties.compactHistory();
        duties.autoCompact();
        assertThat(engine.compactRevision()).isEqualTo(engine.revision() - 10);
    }

    @Test
    void aRevisionAlreadyCompactedCountsAsDoneWithoutAProposal() {
        LeaderDuties duties = duties(new AutoCompaction.Periodic(10_000), 1_000_000);
        duties.autoCompact();
        // One write per second; a client compacts to revision 11 as the window first passes.
        everySecondWriteOneAndPoll(duties, 9);
        clockMs.addAndGet(1_000);
        write(1);
        gateway.propose(new Compact(engine.revision()));
        duties.autoCompact();
        everySecondWriteOneAndPoll(duties, 19);
        // At 10 s and 20 s the oldest samples (1, then 10) were compacted already: etcd's ErrCompacted
        // counts as done, so the next try waits a whole interval instead of retrying each second.
        assertThat(proposedCompactions()).isEmpty();
        everySecondWriteOneAndPoll(duties, 1);
        assertThat(proposedCompactions()).containsExactly(new Compact(20));
    }

    private LeaderDuties duties(AutoCompaction mode, long historyRetained) {
        return new LeaderDuties(new LeaseTimers(engine, clockMs::get), () -> engine, leading::get, this::propose,
                clockMs::get, 100, historyRetained, mode, CHECK_MS);
    }

    private CompletableFuture<Result> propose(Command c) {
        proposed.add(c);
        return gateway.propose(c);
    }

    private List<Command> proposedCompactions() {
        return proposed.stream().filter(c -> c instanceof Compact).toList();
    }

    private void everySecondWriteOneAndPoll(LeaderDuties duties, int seconds) {
        for (int i = 0; i < seconds; i++) {
            clockMs.addAndGet(1_000);
            write(1);
            duties.autoCompact();
        }
    }

    private void write(int count) {
        for (int i = 0; i < count; i++) {
            gateway.propose(Put.of(utf8("k"), utf8("v" + i)));
        }
    }
}
