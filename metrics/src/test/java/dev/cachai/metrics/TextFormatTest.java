package dev.cachai.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextFormatTest {
    @Test
    void writesFamiliesSortedByNameWithHelpTypeAndLabels() {
        MetricRegistry r = new MetricRegistry();
        r.counter("b_total", "Counts \\ things\nover lines.").add(3);
        r.gaugeFamily("a_info", "Which one.", "server_version").labels("3.5.0").set(1);
        CounterFamily peers = r.counterFamily("c_bytes_total", "Bytes.", "To");
        peers.labels("2").add(1_500_000);
        peers.labels("1").add(10);

        assertThat(r.scrape()).isEqualTo("""
                # HELP a_info Which one.
                # TYPE a_info gauge
                a_info{server_version="3.5.0"} 1
                # HELP b_total Counts \\\\ things\\nover lines.
                # TYPE b_total counter
                b_total 3
                # HELP c_bytes_total Bytes.
                # TYPE c_bytes_total counter
                c_bytes_total{To="1"} 10
                c_bytes_total{To="2"} 1.5e+06
                """);
    }

    @Test
    void histogramsAreCumulativeWithInfSumAndCount() {
        MetricRegistry r = new MetricRegistry();
        Histogram h = r.histogram("d_seconds", "Durations.", Buckets.exponential(0.001, 2, 3));
        h.observe(0.0005);
        h.observe(0.001);
        h.observe(0.003);
        h.observe(10);
        assertThat(r.scrape()).isEqualTo("""
                # HELP d_seconds Durations.
                # TYPE d_seconds histogram
                d_seconds_bucket{le="0.001"} 2
                d_seconds_bucket{le="0.002"} 2
                d_seconds_bucket{le="0.004"} 3
                d_seconds_bucket{le="+Inf"} 4
                d_seconds_sum 10.0045
                d_seconds_count 4
                """);
    }

    @Test
    void etcdsDiskBucketsAreFourteenDoublingsFromOneMillisecond() {
        double[] b = Buckets.exponential(0.001, 2, 14);
        assertThat(b).hasSize(14);
        assertThat(TextFormat.number(b[0])).isEqualTo("0.001");
        assertThat(TextFormat.number(b[13])).isEqualTo("8.192");
    }

    @Test
    void numbersReadLikeGosPrometheusClient() {
        assertThat(TextFormat.number(0)).isEqualTo("0");
        assertThat(TextFormat.number(6)).isEqualTo("6");
        assertThat(TextFormat.number(20480)).isEqualTo("20480");
        assertThat(TextFormat.number(25378816)).isEqualTo("2.5378816e+07");
        assertThat(TextFormat.number(1.79590353621e9)).isEqualTo("1.79590353621e+09");
        assertThat(TextFormat.number(1e6)).isEqualTo("1e+06");
        assertThat(TextFormat.number(0.01375151)).isEqualTo("0.01375151");
        assertThat(TextFormat.number(0.00005)).isEqualTo("5e-05");
        assertThat(TextFormat.number(-1)).isEqualTo("-1");
        assertThat(TextFormat.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(TextFormat.number(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void labelValuesAreEscapedAndReadBack() {
        MetricRegistry r = new MetricRegistry();
        r.gaugeFamily("e", "E.", "path").labels("a\"b\\c\nd").set(2);
        assertThat(r.scrape()).contains("e{path=\"a\\\"b\\\\c\\nd\"} 2\n");
        assertThat(Scrape.parse(r.scrape()).value("e", "path", "a\"b\\c\nd")).contains(2.0);
    }

    @Test
    void familiesWithoutSamplesAreLeftOut() {
        MetricRegistry r = new MetricRegistry();
        r.counterFamily("f_total", "F.", "grpc_code");
        assertThat(r.scrape()).isEmpty();
        assertThat(r.names()).containsExactly("f_total");
    }

    @Test
    void trackedValuesAreReadAtScrape() {
        MetricRegistry r = new MetricRegistry();
        long[] source = {1};
        r.gauge("g", "G.", () -> source[0]);
        source[0] = 42;
        assertThat(Scrape.parse(r.scrape()).value("g")).contains(42.0);
    }
}
