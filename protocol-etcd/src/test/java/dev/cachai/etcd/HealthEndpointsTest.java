package dev.cachai.etcd;

import dev.cachai.engine.testing.FixedHealth;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.etcd.maintenance.Alarms;
import dev.cachai.metrics.Scrape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** /health, /livez and /readyz when the node is not well: etcd's status codes, reasons and check lists. */
class HealthEndpointsTest {
    private static final String NOT_READY_NO_LEADER =
            "[+]data_corruption ok\n[+]serializable_read ok\n[-]linearizable_read failed: etcdserver: no leader\n\n";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private SyncGateway gateway;
    private EtcdServer server;

    @BeforeEach
    void start() {
        gateway = new SyncGateway();
        server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), gateway);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutLeaderHealthAndReadyzFailButLivezAndSerializableHealthPass() throws Exception {
        gateway.health(FixedHealth.NO_LEADER);
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).isEqualTo("{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}\n");
        assertThat(get("/health?serializable=true").statusCode()).isEqualTo(200);

        HttpResponse<String> readyz = get("/readyz");
        assertThat(readyz.statusCode()).isEqualTo(503);
        assertThat(readyz.body()).as("failures list every check, verbose or not").isEqualTo(NOT_READY_NO_LEADER);
        assertThat(get("/readyz?exclude=linearizable_read").body()).isEqualTo("ok\n");
        assertThat(get("/livez").statusCode()).isEqualTo(200);

        Scrape s = Scrape.parse(get("/metrics").body());
        assertThat(s.value("etcd_server_health_failures")).contains(1.0);
        assertThat(s.value("etcd_server_health_success")).contains(1.0);
    }

    @Test
    void aStoppedNodeFailsLivez() throws Exception {
        gateway.health(FixedHealth.STOPPED);
        HttpResponse<String> livez = get("/livez");
        assertThat(livez.statusCode()).isEqualTo(503);
        assertThat(livez.body()).isEqualTo("[-]serializable_read failed: etcdserver: server stopped\n\n");
    }

    @Test
    void anAlarmMakesHealthFalseUnlessExcluded() throws Exception {
        long member = server.context().config().memberId();
        server.context().alarms().activate(member, Alarms.Type.NOSPACE);
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).isEqualTo("{\"health\":\"false\",\"reason\":\"ALARM NOSPACE\"}\n");
        assertThat(get("/health?exclude=NOSPACE").body()).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
        assertThat(get("/readyz").statusCode()).as("only CORRUPT fails readyz").isEqualTo(200);

        server.context().alarms().activate(member, Alarms.Type.CORRUPT);
        HttpResponse<String> readyz = get("/readyz/data_corruption");
        assertThat(readyz.statusCode()).isEqualTo(503);
        assertThat(readyz.body()).isEqualTo("[-]data_corruption failed: alarm activated: CORRUPT\n\n");
    }
}
