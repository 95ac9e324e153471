package dev.cachai.compat.etcd;

import dev.cachai.metrics.MetricType;
import dev.cachai.metrics.Scrape;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dashboards and alerts written for etcd must work on Cachai: every etcd-style series we serve on
 * /metrics (etcd_*, grpc_server_*, process_*) also appears in a real etcd's scrape under the same
 * type, help text and label names.
 */
class MetricNamesDifferentialTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Ours only: ZooKeeper's gauges share the page. */
    private static final Set<String> ETCD_PREFIXES = Set.of("etcd_", "grpc_server_", "process_");

    @Test
    void everyEtcdMetricWeServeIsEtcdsWithItsTypeHelpAndLabels() throws Exception {
        Scrape real;
        try (Targets.Target etcd = Targets.realEtcd()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            real = scrapeAfterTraffic(etcd.endpoint());
        }
        Scrape ours;
        try (Targets.Target cachai = Targets.cachai()) {
            ours = scrapeAfterTraffic(cachai.endpoint());
        }
        Set<String> served = ours.types().keySet().stream()
                .filter(name -> ETCD_PREFIXES.stream().anyMatch(name::startsWith))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(served).as("the metrics issue #6 asks for").contains("etcd_server_has_leader",
                "etcd_server_leader_changes_seen_total", "etcd_server_proposals_committed_total",
                "etcd_disk_wal_fsync_duration_seconds", "etcd_mvcc_put_total", "grpc_server_handled_total",
                "process_resident_memory_bytes");
        for (String name : served) {
            assertThat(real.types()).as("real etcd serves %s", name).containsKey(name);
            assertThat(ours.types().get(name)).as("type of %s", name).isEqualTo(real.types().get(name));
            assertThat(ours.helps().get(name)).as("help of %s", name).isEqualTo(real.helps().get(name));
            assertThat(labelNames(ours, name)).as("labels of %s", name).isEqualTo(labelNames(real, name));
        }
    }

    /** One put and one range first, so counters that exist only once used show up on both sides. */
    private static Scrape scrapeAfterTraffic(String endpoint) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        post(http, endpoint + "/v3/kv/put", "{\"key\":\"bQ==\",\"value\":\"dg==\"}");
        post(http, endpoint + "/v3/kv/range", "{\"key\":\"bQ==\"}");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics")).timeout(TIMEOUT)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Scrape.parse(r.body());
    }

    private static void post(HttpClient http, String url, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
    }

    /** The label names a family's samples carry (a histogram's le included). */
    private static Set<String> labelNames(Scrape scrape, String family) {
        Set<String> names = new TreeSet<>();
        for (Scrape.Sample s : scrape.samples()) {
            if (scrape.family(s.name()).filter(family::equals).isPresent()) {
                names.addAll(s.labels().keySet());
            }
        }
        return names;
    }

    @Test
    void typesAreReadFromBothScrapesAlike() {
        Scrape s = Scrape.parse("# HELP a_total A.\n# TYPE a_total counter\na_total{To=\"1\"} 2\n");
        assertThat(s.types()).isEqualTo(Map.of("a_total", MetricType.COUNTER));
        assertThat(labelNames(s, "a_total")).containsExactly("To");
    }
}
