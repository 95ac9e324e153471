package dev.cachai.server;

import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.metrics.MetricType;
import dev.cachai.metrics.Scrape;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** A single node's /metrics, health endpoints and four-letter words, as monitoring sees them. */
class MetricsAndHealthTest {
    @TempDir
    Path tmp;
    private CachaiServer node;

    @BeforeEach
    void start() {
        node = CachaiServer.start(ServerConfig.ephemeral(tmp));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aSingleNodeLeadsItselfAndCountsWhatItApplies() throws Exception {
        node.gateway().propose(Put.of(utf8("a"), utf8("1"))).get(5, TimeUnit.SECONDS);
        node.gateway().propose(Put.of(utf8("b"), utf8("2"))).get(5, TimeUnit.SECONDS);
        node.gateway().propose(DeleteRange.of(utf8("b"))).get(5, TimeUnit.SECONDS);

        Scrape s = Probes.scrape(node);
        assertThat(s.value("etcd_server_has_leader")).contains(1.0);
        assertThat(s.value("etcd_server_is_leader")).contains(1.0);
        assertThat(s.value("etcd_server_is_learner")).contains(0.0);
        assertThat(s.value("etcd_server_leader_changes_seen_total")).contains(1.0);
        assertThat(s.value("etcd_mvcc_put_total")).contains(2.0);
        assertThat(s.value("etcd_mvcc_delete_total")).contains(1.0);
        assertThat(s.value("etcd_debugging_mvcc_keys_total")).contains(1.0);
        assertThat(s.value("etcd_debugging_mvcc_current_revision")).contains((double) node.gateway().engine().revision());
        assertThat(s.value("etcd_debugging_mvcc_compact_revision")).contains(-1.0);
        assertThat(s.value("etcd_server_proposals_applied_total").orElseThrow()).isGreaterThanOrEqualTo(3);
        assertThat(s.value("etcd_server_proposals_committed_total"))
                .isEqualTo(s.value("etcd_server_proposals_applied_total"));
        assertThat(s.value("etcd_server_proposals_pending")).contains(0.0);
        assertThat(s.value("etcd_disk_wal_fsync_duration_seconds_count").orElseThrow()).isGreaterThanOrEqualTo(3);
        assertThat(s.value("etcd_disk_wal_fsync_duration_seconds_bucket", "le", "+Inf"))
                .isEqualTo(s.value("etcd_disk_wal_fsync_duration_seconds_count"));
        assertThat(s.value("etcd_server_version", "server_version", node.config().etcdVersion())).contains(1.0);
        assertThat(s.types()).containsEntry("etcd_server_id", MetricType.GAUGE)
                .containsEntry("etcd_disk_backend_commit_duration_seconds", MetricType.HISTOGRAM)
                .containsEntry("etcd_mvcc_db_total_size_in_bytes", MetricType.GAUGE)
                .containsEntry("process_start_time_seconds", MetricType.GAUGE)
                .containsEntry("process_resident_memory_bytes", MetricType.GAUGE)
                .containsEntry("process_open_fds", MetricType.GAUGE)
                .containsEntry("znode_count", MetricType.GAUGE);
        assertThat(s.value("process_open_fds").orElseThrow()).isPositive();
    }

    @Test
    void grpcCallsAreCountedPerMethodAndCodeThroughTheGateway() {
        Scrape before = Probes.scrape(node);
        assertThat(before.value("grpc_server_started_total", "grpc_type", "unary", "grpc_service", "etcdserverpb.KV",
                "grpc_method", "Put")).as("every method's series exists from the start").contains(0.0);

        HttpResponse<String> put = Probes.post(node, "/v3/kv/put", "{\"key\":\"eA==\",\"value\":\"eQ==\"}");
        assertThat(put.statusCode()).isEqualTo(200);
        HttpResponse<String> range = Probes.post(node, "/v3/kv/range", "{\"key\":\"eA==\"}");
        assertThat(range.statusCode()).isEqualTo(200);
        HttpResponse<String> bad = Probes.post(node, "/v3/kv/range", "{\"key\":\"\"}");
        assertThat(bad.statusCode()).isEqualTo(400);

        Scrape s = Probes.scrape(node);
        assertThat(s.value("grpc_server_started_total", "grpc_type", "unary", "grpc_service", "etcdserverpb.KV",
                "grpc_method", "Put")).contains(1.0);
        assertThat(s.value("grpc_server_handled_total", "grpc_type", "unary", "grpc_service", "etcdserverpb.KV",
                "grpc_method", "Range", "grpc_code", "OK")).contains(1.0);
        assertThat(s.value("grpc_server_handled_total", "grpc_type", "unary", "grpc_service", "etcdserverpb.KV",
                "grpc_method", "Range", "grpc_code", "InvalidArgument")).contains(1.0);
        assertThat(s.value("etcd_mvcc_range_total")).contains(1.0);
        assertThat(s.value("etcd_mvcc_put_total")).contains(1.0);
    }

    @Test
    void healthEndpointsAnswerAsEtcd() {
        HttpResponse<String> health = Probes.get(node, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
        assertThat(Probes.get(node, "/livez").body()).isEqualTo("ok\n");
        assertThat(Probes.get(node, "/readyz?verbose").body())
                .isEqualTo("[+]data_corruption ok\n[+]serializable_read ok\n[+]linearizable_read ok\nok\n");
        assertThat(Probes.get(node, "/readyz?verbose&exclude=linearizable_read").body())
                .isEqualTo("[+]data_corruption ok\n[+]serializable_read ok\nok\n");
        assertThat(Probes.get(node, "/readyz/linearizable_read?verbose").body())
                .isEqualTo("[+]linearizable_read ok\nok\n");
        assertThat(Probes.post(node, "/livez", "").statusCode()).isEqualTo(405);
        assertThat(Probes.value(node, "etcd_server_health_success")).isEqualTo(1.0);
    }

    @Test
    void fourLetterWordsReportAStandaloneServer() {
        assertThat(Probes.fourLetter(node, "ruok")).isEqualTo("imok");
        assertThat(Probes.fourLetter(node, "isro")).isEqualTo("rw");
        assertThat(Probes.fourLetter(node, "srvr")).contains("Mode: standalone\n").contains("Outstanding: 0\n");
        assertThat(Probes.fourLetter(node, "mntr")).contains("zk_server_state\tstandalone\n");
    }
}
