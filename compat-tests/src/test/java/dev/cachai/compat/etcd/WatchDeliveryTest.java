package dev.cachai.compat.etcd;

import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The benchmark's watch pattern on the real server: watchers created (with created notify), then
 * rounds of one put each; every watcher must see every put. A lost event stalls the round.
 */
class WatchDeliveryTest {
    private static final int ROUNDS = 100;
    private static final long ROUND_SECONDS_MAX = 5;

    @Test
    void everyWatcherSeesEveryPutRoundAfterRound(@TempDir Path dir) throws Exception {
        for (int watchers : new int[] {1, 8, 128}) {
            try (CachaiServer server = CachaiServer.start(ServerConfig.ephemeral(dir.resolve("w" + watchers)));
                 Client client = Client.builder().endpoints("http://127.0.0.1:" + server.etcdPort()).build();
                 Client second = Client.builder().endpoints("http://127.0.0.1:" + server.etcdPort()).build()) {
                ByteSequence key = ByteSequence.from("/watched-" + watchers, StandardCharsets.UTF_8);
                AtomicInteger seen = new AtomicInteger();
                CountDownLatch created = new CountDownLatch(watchers);
                List<Watch.Watcher> open = new ArrayList<>();
                for (int i = 0; i < watchers; i++) {
                    Client owner = i % 2 == 0 ? client : second;
                    open.add(owner.getWatchClient().watch(key, WatchOption.builder().withCreateNotify(true).build(), r -> {
                        if (r.isCreatedNotify()) {
                            created.countDown();
                        }
                        seen.addAndGet(r.getEvents().size());
                    }));
                }
                assertThat(created.await(10, TimeUnit.SECONDS)).isTrue();
                for (int round = 1; round <= ROUNDS; round++) {
                    client.getKVClient().put(key, ByteSequence.from("v" + round, StandardCharsets.UTF_8))
                            .get(ROUND_SECONDS_MAX, TimeUnit.SECONDS);
                    int expected = round * watchers;
                    try {
                        await().atMost(Duration.ofSeconds(ROUND_SECONDS_MAX)).pollInterval(Duration.ofMillis(1))
                                .until(() -> seen.get() >= expected);
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        // fall through to the assertion, which names the round
                    }
                    assertThat(seen.get()).as("events after round %d with %d watchers", round, watchers)
                            .isEqualTo(expected);
                }
                open.forEach(Watch.Watcher::close);
            }
        }
    }
}
