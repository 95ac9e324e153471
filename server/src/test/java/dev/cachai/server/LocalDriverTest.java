package dev.cachai.server;

import dev.cachai.engine.EngineSnapshot;
import dev.cachai.engine.EngineLimits;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.PutResult;
import dev.cachai.server.driver.DriverLimits;
import dev.cachai.server.driver.LocalDriver;
import dev.cachai.server.log.CommandLog;
import dev.cachai.server.storage.DataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LocalDriverTest {
    private static final DriverLimits FAST = new DriverLimits(64, 16, 20, 50, 10, 1_000_000);

    private static LocalDriver open(DataDir dir, DriverLimits limits) {
        EngineSnapshot.Restored r = dir.loadNewestSnapshot(EngineLimits.DEFAULTS);
        CommandLog log = CommandLog.open(dir.walDir(), 1 << 20, 1 << 20, r.appliedIndex() + 1,
                rec -> LocalDriver.replay(r.engine(), rec));
        return new LocalDriver(r.engine(), log, dir, log.nextIndex() - 1, limits);
    }

    @Test
    void proposalsApplyInOrderAndSurviveRestart(@TempDir Path tmp) throws Exception {
        try (DataDir dir = DataDir.open(tmp); LocalDriver d = open(dir, FAST)) {
            List<CompletableFuture<dev.cachai.engine.result.Result>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(d.propose(Put.of(utf8("k" + i), utf8("v" + i))));
            }
            for (int i = 0; i < 50; i++) {
                assertThat(((PutResult) fs.get(i).get(5, TimeUnit.SECONDS)).revision()).isEqualTo(i + 2);
            }
            assertThat(d.readBarrier().get(5, TimeUnit.SECONDS)).isEqualTo(51);
        }
        try (DataDir dir = DataDir.open(tmp); LocalDriver d = open(dir, FAST)) {
            assertThat(d.engine().revision()).isEqualTo(51);
            assertThat(d.engine().range(RangeRequest.key(utf8("k49"))).kvs()).hasSize(1);
        }
    }

    @Test
    void snapshotsTruncateTheLogAndRecoveryUsesThem(@TempDir Path tmp) throws Exception {
        DriverLimits snapEvery10 = FAST.withSnapshotEveryRecords(10);
        try (DataDir dir = DataDir.open(tmp); LocalDriver d = open(dir, snapEvery10)) {
            for (int i = 0; i < 35; i++) {
                d.propose(Put.of(utf8("k" + i), utf8("v"))).get(5, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> countSnapshots(tmp) >= 1);
        }
        try (DataDir dir = DataDir.open(tmp); LocalDriver d = open(dir, snapEvery10)) {
            assertThat(d.engine().revision()).isEqualTo(36);
            assertThat(d.engine().keyCount()).isEqualTo(35);
        }
    }

    private static long countSnapshots(Path tmp) throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("snap"))) {
            return s.filter(p -> p.toString().endsWith(".snap")).count();
        }
    }

    @Test
    void leasesExpireThroughTheLog(@TempDir Path tmp) throws Exception {
        try (DataDir dir = DataDir.open(tmp); LocalDriver d = open(dir, FAST)) {
            d.propose(new LeaseCommand.Grant(42, 1)).get(5, TimeUnit.SECONDS);
            d.propose(new Put(utf8("leased"), utf8("v"), 42, false, false, false)).get(5, TimeUnit.SECONDS);
            assertThat(d.leases().remainingMs(42)).isBetween(1L, 1000L);
            await().atMost(Duration.ofSeconds(5)).until(() -> d.engine().lease(42) == null);
            assertThat(d.engine().range(RangeRequest.key(utf8("leased"))).kvs()).isEmpty();
            assertThat(d.leases().keepAlive(42)).isFalse();
        }
    }

    @Test
    void aStoppedDriverRefusesProposals(@TempDir Path tmp) {
        try (DataDir dir = DataDir.open(tmp)) {
            LocalDriver d = open(dir, FAST);
            d.close();
            assertThatThrownBy(() -> d.propose(Put.of(utf8("a"), utf8("b"))).join())
                    .hasCauseInstanceOf(GatewayException.class)
                    .hasMessageContaining(EtcdError.STOPPED.message());
        }
    }

    @Test
    void dataDirIsLockedAgainstASecondProcess(@TempDir Path tmp) {
        try (DataDir dir = DataDir.open(tmp)) {
            assertThatThrownBy(() -> DataDir.open(tmp)).hasMessageContaining("in use");
        }
    }
}
