package dev.cachai.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScrapeTest {
    @Test
    void readsOurOwnOutputBack() {
        MetricRegistry r = new MetricRegistry();
        r.counterFamily("grpc_server_handled_total", "Handled.", "grpc_code", "grpc_method")
                .labels("OK", "Range").add(7);
        r.histogram("etcd_disk_wal_fsync_duration_seconds", "Fsync.", Buckets.exponential(0.001, 2, 14))
                .observe(0.003);
        Scrape s = Scrape.parse(r.scrape());
        assertThat(s.types()).containsEntry("grpc_server_handled_total", MetricType.COUNTER)
                .containsEntry("etcd_disk_wal_fsync_duration_seconds", MetricType.HISTOGRAM);
        assertThat(s.helps()).containsEntry("grpc_server_handled_total", "Handled.");
        assertThat(s.value("grpc_server_handled_total", "grpc_code", "OK", "grpc_method", "Range")).contains(7.0);
        assertThat(s.value("etcd_disk_wal_fsync_duration_seconds_bucket", "le", "0.002")).contains(0.0);
        assertThat(s.value("etcd_disk_wal_fsync_duration_seconds_bucket", "le", "0.004")).contains(1.0);
        assertThat(s.value("etcd_disk_wal_fsync_duration_seconds_count")).contains(1.0);
        assertThat(s.family("etcd_disk_wal_fsync_duration_seconds_sum")).contains("etcd_disk_wal_fsync_duration_seconds");
    }

    @Test
    void readsGoStyleNumbersAndTimestamps() {
        Scrape s = Scrape.parse("# TYPE a gauge\na 2.5378816e+07\na{x=\"1\"} +Inf 1700000000000\n");
        assertThat(s.value("a")).contains(2.5378816e7);
        assertThat(s.value("a", "x", "1")).contains(Double.POSITIVE_INFINITY);
    }

    @Test
    void readsSummariesAsGosClientWritesThem() {
        Scrape s = Scrape.parse("# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds{quantile=\"0.5\"} 1e-05\n"
                + "go_gc_duration_seconds_sum 0.001\ngo_gc_duration_seconds_count 7\n");
        assertThat(s.types()).containsEntry("go_gc_duration_seconds", MetricType.SUMMARY);
        assertThat(s.family("go_gc_duration_seconds_count")).contains("go_gc_duration_seconds");
        assertThat(s.value("go_gc_duration_seconds", "quantile", "0.5")).contains(1e-05);
    }

    @Test
    void refusesSamplesWithoutTypeAndMalformedLines() {
        assertThatThrownBy(() -> Scrape.parse("a 1\n")).hasMessageContaining("line 1").hasMessageContaining("before its TYPE");
        assertThatThrownBy(() -> Scrape.parse("# TYPE a gauge\na{x=1} 1\n")).hasMessageContaining("expected '\"'");
        assertThatThrownBy(() -> Scrape.parse("# TYPE a gauge\n# TYPE a counter\n")).hasMessageContaining("second TYPE");
        assertThatThrownBy(() -> Scrape.parse("# TYPE a gauge\na one\n")).hasMessageContaining("line 2");
    }
}
