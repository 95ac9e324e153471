package dev.cachai.server.cluster;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.PutResult;
import dev.cachai.engine.result.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClusterDriverTest {
    private static final ClusterLimits LIMITS = ClusterLimits.DEFAULTS;

    private static long valueCount(Engine engine, String prefix) throws Exception {
        return engine.range(RangeRequest.prefix(utf8(prefix))).kvs().size();
    }

    @Test
    void everyNodeAcceptsWritesAndAllApplyThemInOneOrder(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, LIMITS).startAll()) {
            cluster.awaitLeader();
            List<CompletableFuture<Result>> writes = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                writes.add(cluster.node(i % 3).gateway().propose(Put.of(utf8("k" + i), utf8("v" + i))));
            }
            List<Long> revisions = new ArrayList<>();
            for (CompletableFuture<Result> w : writes) {
                revisions.add(((PutResult) w.get(10, TimeUnit.SECONDS)).revision());
            }
            assertThat(revisions).doesNotHaveDuplicates();
            for (int i = 0; i < 3; i++) {
                long barrier = cluster.node(i).gateway().readBarrier().get(10, TimeUnit.SECONDS);
                assertThat(barrier).isGreaterThanOrEqualTo(revisions.stream().mapToLong(Long::longValue).max().orElseThrow());
                assertThat(valueCount(cluster.node(i).gateway().engine(), "k")).isEqualTo(30);
            }
            assertThat(cluster.view(0).members().membership().voters()).hasSize(3);
            assertThat(cluster.view(1).healthy()).isTrue();
        }
    }

    @Test
    void writesResumeAfterTheLeaderStops(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, LIMITS).startAll()) {
            int leader = cluster.awaitLeader();
            int survivor = (leader + 1) % 3;
            cluster.node(survivor).gateway().propose(Put.of(utf8("before"), utf8("1"))).get(10, TimeUnit.SECONDS);
            cluster.stop(leader);
            int next = cluster.awaitLeader();
            assertThat(next).isNotEqualTo(leader);
            cluster.node(survivor).gateway().propose(Put.of(utf8("after"), utf8("2"))).get(10, TimeUnit.SECONDS);
            cluster.start(leader);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(valueCount(cluster.node(leader).gateway().engine(), "after")).isEqualTo(1));
        }
    }

    @Test
    void aLeaderThatStopsHandsOverWithoutAnElection(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, LIMITS).startAll()) {
            int leader = cluster.awaitLeader();
            int survivor = (leader + 1) % 3;
            cluster.node(survivor).gateway().propose(Put.of(utf8("before"), utf8("1"))).get(10, TimeUnit.SECONDS);
            int previousLeaderId = cluster.view(leader).localId();
            cluster.stop(leader);
            // Noticing a dead leader alone takes a whole election timeout; a handover is a round trip.
            long electionTimeoutMs = LIMITS.tickMs() * LIMITS.electionTicks();
            await().atMost(Duration.ofMillis(electionTimeoutMs)).pollInterval(Duration.ofMillis(5)).untilAsserted(() ->
                    assertThat(cluster.view(survivor).leaderId()).isNotZero().isNotEqualTo(previousLeaderId));
            cluster.node(survivor).gateway().propose(Put.of(utf8("after"), utf8("2"))).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNodeBehindTheCompactedLogCatchesUpFromASnapshot(@TempDir Path tmp) throws Exception {
        ClusterLimits snapshotOften = LIMITS.withSnapshots(20, 0);
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, snapshotOften).startAll()) {
            int leader = cluster.awaitLeader();
            int lagging = (leader + 1) % 3;
            cluster.stop(lagging);
            for (int i = 0; i < 100; i++) {
                cluster.node(leader).gateway().propose(Put.of(utf8("s" + i), utf8("v"))).get(10, TimeUnit.SECONDS);
            }
            // A snapshot at 20 or more entries (with no lag kept, the log below it is dropped), so
            // the lagging node, stopped before the first write, can only catch up from one.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(cluster.newestSnapshotIndex(leader)).hasValueSatisfying(i -> assertThat(i).isGreaterThanOrEqualTo(20)));
            cluster.start(lagging);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(valueCount(cluster.node(lagging).gateway().engine(), "s")).isEqualTo(100));
            cluster.node(lagging).gateway().propose(Put.of(utf8("s-after"), utf8("v"))).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLeaderCompactsHistoryBeyondWhatItRetains(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 3, LIMITS.withHistoryRetained(10)).startAll()) {
            int leader = cluster.awaitLeader();
            for (int i = 0; i < 25; i++) {
                cluster.node(leader).gateway().propose(Put.of(utf8("h"), utf8("v" + i))).get(10, TimeUnit.SECONDS);
            }
            // 25 writes since revision 1: at least 20 uncompacted, so the leader compacts to the newest 10.
            for (int n = 0; n < 3; n++) {
                Engine engine = cluster.node(n).gateway().engine();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(engine.compactRevision()).isGreaterThanOrEqualTo(engine.revision() - 19));
                assertThat(engine.revision() - engine.compactRevision()).isGreaterThanOrEqualTo(10);
                assertThat(engine.range(RangeRequest.key(utf8("h"))).kvs().get(0).value()).isEqualTo(utf8("v24"));
            }
        }
    }

    @Test
    void aNodeRestartsFromItsOwnSnapshotAndTheLogAboveIt(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 1, LIMITS.withSnapshots(5, 2)).startAll()) {
            cluster.awaitLeader();
            for (int i = 0; i < 23; i++) {
                cluster.node(0).gateway().propose(Put.of(utf8("snap" + i), utf8("v"))).get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cluster.newestSnapshotIndex(0)).isPresent());
            long revision = cluster.node(0).gateway().engine().revision();
            cluster.stop(0);
            cluster.start(0);
            cluster.awaitLeader();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(cluster.node(0).gateway().engine().revision()).isGreaterThanOrEqualTo(revision));
            assertThat(valueCount(cluster.node(0).gateway().engine(), "snap")).isEqualTo(23);
            cluster.node(0).gateway().propose(Put.of(utf8("snap-more"), utf8("v"))).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aKeyspaceGrowingByCreatesAloneKeepsBeingSnapshotted(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 1, LIMITS.withSnapshots(5, 2)).startAll()) {
            cluster.awaitLeader();
            for (int i = 0; i < 200; i++) {
                cluster.node(0).gateway().propose(Put.of(utf8("grow" + i), utf8("v"))).get(10, TimeUnit.SECONDS);
            }
            // Every put adds a key and a revision, and an interval is the size at the snapshot
            // before plus up to half of it: the first snapshot comes within 8 entries, and the
            // index at least about triples and at most quadruples from one to the next, so the
            // third (at 25 or later, before 130) is written by now.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(cluster.newestSnapshotIndex(0)).hasValueSatisfying(i -> assertThat(i).isGreaterThanOrEqualTo(25)));
        }
    }

    @Test
    void aClusterOfOneCommitsAloneAndRestartsWhereItWas(@TempDir Path tmp) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(tmp, 1, LIMITS).startAll()) {
            cluster.awaitLeader();
            for (int i = 0; i < 10; i++) {
                cluster.node(0).gateway().propose(Put.of(utf8("one" + i), utf8("v"))).get(10, TimeUnit.SECONDS);
            }
            cluster.stop(0);
            cluster.start(0);
            cluster.awaitLeader();
            assertThat(valueCount(cluster.node(0).gateway().engine(), "one")).isEqualTo(10);
            cluster.node(0).gateway().propose(Put.of(utf8("one-more"), utf8("v"))).get(10, TimeUnit.SECONDS);
        }
    }
}
