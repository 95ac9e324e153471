package dev.cachai.server.metrics;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.etcd.metrics.MvccCounts;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.metrics.Scrape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class NodeMetricsTest {
    private final MetricRegistry registry = new MetricRegistry();
    private final NodeMetrics node = new NodeMetrics(registry, new MvccCounts(registry), () -> false);

    private double value(String name) {
        return Scrape.parse(registry.scrape()).value(name).orElseThrow();
    }

    @Test
    void leaderChangesAreCountedAsEtcdCountsThem() {
        node.leaderIs(7, false);
        node.leaderIs(7, false);
        node.leaderIs(0, false);
        assertThat(node.hasLeader()).isFalse();
        node.leaderIs(7, false);
        node.leaderIs(9, true);
        assertThat(value("etcd_server_leader_changes_seen_total")).as("7, 7 again after none, then 9").isEqualTo(3);
        assertThat(node.isLeader()).isTrue();
        assertThat(value("etcd_server_is_leader")).isEqualTo(1);
    }

    @Test
    void aStoppedNodeIsNeitherLiveNorLed() {
        node.leaderIs(9, true);
        node.stopped();
        assertThat(node.live()).isFalse();
        assertThat(node.serving()).isFalse();
        assertThat(value("etcd_server_has_leader")).isZero();
    }

    @Test
    void aMemberFarBehindTheCommitIndexIsNotCaughtUp() {
        node.leaderIs(9, false);
        node.progress(5_000, 100);
        assertThat(node.caughtUp()).isFalse();
        node.progress(5_000, 4_500);
        assertThat(node.caughtUp()).isTrue();
        assertThat(value("etcd_server_proposals_committed_total")).isEqualTo(5_000);
        assertThat(value("etcd_server_proposals_applied_total")).isEqualTo(4_500);
    }

    @Test
    void txnsCountTheBranchThatRanAndOnlyWithMoreThanOneOperation() {
        Engine engine = new Engine();
        apply(engine, Put.of(utf8("a"), utf8("1")));
        TxnOp put = new TxnOp.PutOp(Put.of(utf8("b"), utf8("2")));
        TxnOp range = new TxnOp.RangeOp(RangeRequest.key(utf8("a")));
        apply(engine, new Txn(List.of(), List.of(put, range), List.of()));
        apply(engine, new Txn(List.of(), List.of(put), List.of()));
        assertThat(value("etcd_mvcc_put_total")).isEqualTo(3);
        assertThat(value("etcd_mvcc_range_total")).isEqualTo(1);
        assertThat(value("etcd_mvcc_txn_total")).as("the one-put txn is a put, as in etcd").isEqualTo(1);
    }

    private void apply(Engine engine, Command command) {
        node.applied(command, engine.apply(1_000, command));
    }
}
