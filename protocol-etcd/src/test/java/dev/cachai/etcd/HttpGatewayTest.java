package dev.cachai.etcd;

import dev.cachai.engine.testing.SyncGateway;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class HttpGatewayTest {
    @Test
    void putRangeHealthAndErrorsAsEtcdGatewayDoes() throws Exception {
        SyncGateway gateway = new SyncGateway();
        try (EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0).withGatewayPort(0), gateway)) {
            server.start();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + server.gatewayPort();
            // "foo" and "bar" in base64, as etcd's gateway takes bytes fields.
            String put = post(http, base + "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}");
            assertThat(put).contains("\"revision\":\"2\"");
            String range = post(http, base + "/v3/kv/range", "{\"key\":\"Zm9v\"}");
            assertThat(range).contains("\"value\":\"YmFy\"").contains("\"create_revision\":\"2\"");
            assertThat(get(http, base + "/health")).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
            assertThat(get(http, base + "/version")).contains("\"etcdserver\":\"3.5.17\"");
            String err = post(http, base + "/v3/kv/put", "{\"value\":\"YmFy\"}");
            assertThat(err).as("etcd 3.4's key order").isEqualTo("{\"error\":\"etcdserver: key is not provided\","
                    + "\"message\":\"etcdserver: key is not provided\",\"code\":3}");
            String members = post(http, base + "/v3/cluster/member/list", "{}");
            assertThat(members).contains("\"name\":\"default\"");
        }
    }

    private static String post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
