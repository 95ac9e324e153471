package dev.cachai.compat.etcd;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One HTTP watch body with several requests (creates, a progress request, a cancel), as a
 * gateway client streams them: a new etcd and a new Cachai answer in the same order.
 */
class GatewayWatchDifferentialTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String BODY = "{\"create_request\":{\"key\":\"YQ==\"}} {\"progress_request\":{}} "
            + "{\"create_request\":{\"key\":\"Yg==\",\"watch_id\":\"7\"}} {\"cancel_request\":{\"watch_id\":\"7\"}} "
            + "{\"create_request\":{\"key\":\"Yw==\"}}";
    private static final int ANSWERS = 5;

    @Test
    void requestsOfOneBodyAreAnsweredInOrder() throws Exception {
        List<String> etcd = Targets.sameOnCachaiAsOnEtcd(GatewayWatchDifferentialTest::answers);
        assertThat(etcd.get(1)).contains("\"watch_id\":\"-1\"");
    }

    private static List<String> answers(Targets.Target target) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Void>> call = http.sendAsync(
                HttpRequest.newBuilder(URI.create(target.endpoint() + "/v3/watch"))
                        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
                    @Override
                    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(String line) {
                        lines.add(line.replaceAll("\"header\":\\{[^}]*\\}", "\"header\":{H}"));
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onComplete() {}
                }));
        await().atMost(TIMEOUT).until(() -> lines.size() >= ANSWERS);
        call.cancel(true);
        return List.copyOf(lines.subList(0, ANSWERS));
    }
}
