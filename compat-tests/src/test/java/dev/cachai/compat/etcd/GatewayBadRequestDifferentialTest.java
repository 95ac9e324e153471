package dev.cachai.compat.etcd;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and mistyped request bodies posted to the HTTP/JSON gateway of a new real etcd and a
 * new Cachai: the same HTTP status and the same body, error texts included (Go's encoding/json
 * and jsonpb wording), and nothing executed for a body etcd refuses.
 */
class GatewayBadRequestDifferentialTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * Path (after a method other than POST) and body; none refused differently by etcd 3.4 and 3.5
     * (3.5 maps code 9 to 400, 3.4 to 412).
     */
    private static final String[][] REQUESTS = {
        {"/v3/lease/grant", "garbage"},
        {"/v3/lease/leases", "{}"},
        {"/v3/kv/range", "{\"key\":\"YQ\\\"}"},
        {"/v3/kv/range", "[1]"},
        {"/v3/kv/range", "5"},
        {"/v3/kv/range", "null"},
        {"/v3/kv/range", "{\"key\":\"YQ==\"} xx"},
        {"/v3/kv/range", "{\"key\":\"YQ==\"}{\"key\":\"Yg==\"}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\",}"},
        {"/v3/kv/range", "{\"key\" \"x\"}"},
        {"/v3/kv/range", "{\"key\":tru}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\" \"x\":1}"},
        {"/v3/kv/range", "{\"key\":\"\\q\"}"},
        {"/v3/kv/range", "{\"key\":\"YQ=a\"}"},
        {"/v3/kv/range", "{\"key\":\"a-b_\"}"},
        {"/v3/kv/range", "{\"key\":\"YQ=\\n=\"}"},
        {"/v3/kv/range", "{\"key\":1}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\",\"limit\":\"12x\"}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\",\"limit\":\"1.5\"}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\",\"serializable\":\"true\"}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\",\"sort_order\":\"SIDEWAYS\"}"},
        {"/v3/kv/txn", "{\"compare\":[{\"key\":\"YQ==\",\"target\":\"NOPE\",\"result\":\"EQUAL\"}],"
                + "\"success\":[{\"request_put\":{\"key\":\"YQ==\",\"value\":\"MQ==\"}}]}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\"}"},
        {"/v3/maintenance/alarm", "{\"action\":\"GET\",\"alarm\":\"NOSPACEX\"}"},
        {"/v3/no/such/path", "{}"},
        {"GET /v3/kv/range", ""},
        {"PUT /v3/kv/put", "{\"key\":\"YQ==\",\"value\":\"MQ==\"}"},
        {"/v3/kv/range", "{\"key\":\"YQ==\"}"},
        {"POST /version", ""},
        {"POST /health", ""},
        {"GET /no/such/path", ""},
    };

    @Test
    void badBodiesAreRefusedAsEtcdRefusesThem() throws Exception {
        List<String> etcd = Targets.sameOnCachaiAsOnEtcd(GatewayBadRequestDifferentialTest::postAll);
        assertThat(etcd).contains(
                "/v3/lease/grant 400 application/json {\"error\":\"invalid character 'g' looking for beginning of value\","
                        + "\"message\":\"invalid character 'g' looking for beginning of value\",\"code\":3}",
                "/v3/lease/leases 200 application/json {\"header\":{H}}",
                "/v3/no/such/path 404 text/plain; charset=utf-8 Not Found\n",
                "GET /v3/kv/range 405 text/plain; charset=utf-8 Method Not Allowed\n");
    }

    private static List<String> postAll(Targets.Target target) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        List<String> out = new ArrayList<>();
        for (String[] request : REQUESTS) {
            String[] methodAndPath = request[0].contains(" ") ? request[0].split(" ") : new String[] {"POST", request[0]};
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(target.endpoint() + methodAndPath[1]))
                    .timeout(TIMEOUT).method(methodAndPath[0], HttpRequest.BodyPublishers.ofString(request[1])).build(),
                    HttpResponse.BodyHandlers.ofString());
            // Member ids differ between the two servers; revisions start alike.
            String body = response.body().replaceAll("\"header\":\\{[^}]*\\}", "\"header\":{H}");
            out.add(request[0] + " " + response.statusCode() + " "
                    + response.headers().firstValue("content-type").orElse("-") + " " + body);
        }
        return out;
    }
}
