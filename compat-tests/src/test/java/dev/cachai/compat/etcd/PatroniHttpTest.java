package dev.cachai.compat.etcd;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Patroni's etcd3 DCS does over plain HTTP/1.1 JSON (it never speaks gRPC), run against a
 * real etcd and the Cachai server with the same assertions.
 */
class PatroniHttpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    @Test
    void patroniCallsBehaveAsOnEtcd() throws Exception {
        try (Targets.Target etcd = Targets.realEtcd()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            scenario(etcd.endpoint());
        }
        try (Targets.Target cachai = Targets.cachai()) {
            scenario(cachai.endpoint());
        }
    }

    private void scenario(String base) throws Exception {
        assertThat(get(base + "/version").has("etcdserver")).isTrue();
        assertThat(get(base + "/health").get("health").getAsString()).isEqualTo("true");
        JsonObject members = post(base, "/v3/cluster/member/list", "{}", null);
        assertThat(members.getAsJsonArray("members").get(0).getAsJsonObject().getAsJsonArray("clientURLs").toString())
                .contains(base);

        JsonObject lease = post(base, "/v3/lease/grant", "{\"TTL\":\"30\"}", null);
        String leaseId = lease.get("ID").getAsString();
        assertThat(lease.get("TTL").getAsString()).isEqualTo("30");
        String leader = "/service/batman/leader";
        String takeLeader = "{\"compare\":[{\"key\":\"" + b64(leader) + "\",\"result\":\"EQUAL\",\"target\":\"CREATE\","
                + "\"create_revision\":\"0\"}],\"success\":[{\"request_put\":{\"key\":\"" + b64(leader)
                + "\",\"value\":\"" + b64("node1") + "\",\"lease\":\"" + leaseId + "\"}}]}";
        JsonObject won = post(base, "/v3/kv/txn", takeLeader, null);
        assertThat(won.get("succeeded").getAsBoolean()).isTrue();
        long putRevision = won.getAsJsonObject("header").get("revision").getAsLong();
        JsonObject lost = post(base, "/v3/kv/txn", takeLeader, null);
        assertThat(lost.has("succeeded") && lost.get("succeeded").getAsBoolean()).isFalse();

        String prefix = "/service/batman/";
        JsonObject range = post(base, "/v3/kv/range", "{\"key\":\"" + b64(prefix) + "\",\"range_end\":\""
                + b64("/service/batman0") + "\",\"serializable\":true}", null);
        JsonObject kv = range.getAsJsonArray("kvs").get(0).getAsJsonObject();
        assertThat(kv.get("value").getAsString()).isEqualTo(b64("node1"));
        assertThat(kv.get("lease").getAsString()).isEqualTo(leaseId);

        JsonObject keepalive = post(base, "/v3/lease/keepalive", "{\"ID\":\"" + leaseId + "\"}", null);
        assertThat(keepalive.getAsJsonObject("result").get("TTL").getAsString()).isEqualTo("30");

        JsonObject event = firstWatchEvent(base, "{\"create_request\":{\"key\":\"" + b64(prefix) + "\",\"range_end\":\""
                + b64("/service/batman0") + "\",\"start_revision\":\"" + putRevision + "\"}}");
        assertThat(event.getAsJsonObject("kv").get("key").getAsString()).isEqualTo(b64(leader));

        authenticated(base);
    }

    private void authenticated(String base) throws Exception {
        post(base, "/v3/auth/role/add", "{\"name\":\"root\"}", null);
        post(base, "/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"rootpw\"}", null);
        post(base, "/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}", null);
        post(base, "/v3/auth/enable", "{}", null);
        String token = post(base, "/v3/auth/authenticate", "{\"name\":\"root\",\"password\":\"rootpw\"}", null)
                .get("token").getAsString();
        JsonObject denied = post(base, "/v3/kv/range", "{\"key\":\"" + b64("x") + "\"}", null);
        assertThat(denied.get("message").getAsString()).isEqualTo("etcdserver: user name is empty");
        JsonObject bad = post(base, "/v3/auth/authenticate", "{\"name\":\"root\",\"password\":\"nope\"}", null);
        assertThat(bad.get("message").getAsString())
                .isEqualTo("etcdserver: authentication failed, invalid user ID or password");
        JsonObject ok = post(base, "/v3/kv/range", "{\"key\":\"" + b64("x") + "\",\"serializable\":true}", token);
        assertThat(ok.has("header")).isTrue();
        post(base, "/v3/auth/disable", "{}", token);
    }

    /** Reads the chunked watch stream until the first event; closing the body ends the watch. */
    private JsonObject firstWatchEvent(String base, String body) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v3/watch")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (var lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                JsonObject result = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("result");
                if (result != null && result.has("events")) {
                    return result.getAsJsonArray("events").get(0).getAsJsonObject();
                }
            }
        }
        throw new AssertionError("watch stream ended without an event");
    }

    private JsonObject get(String url) throws Exception {
        return JsonParser.parseString(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
    }

    private JsonObject post(String base, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("authorization", token);
        }
        String reply = http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
        return JsonParser.parseString(reply).getAsJsonObject();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
