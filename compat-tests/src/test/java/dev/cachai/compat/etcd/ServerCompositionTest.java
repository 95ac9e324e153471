package dev.cachai.compat.etcd;

import dev.cachai.compat.TempDirs;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What only the whole server does: leases expire on their own, data and revisions survive a restart. */
class ServerCompositionTest {
    private static final long CALL_TIMEOUT_SECONDS = 5;
    /** etcd's minimum lease TTL; the server's lease keeper expires it a little after. */
    private static final long LEASE_TTL_SECONDS = 2;
    private static final Duration EXPIRY_WAIT = Duration.ofSeconds(15);

    @Test
    void leaseExpiresByItselfAndDataSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("cachai-etcd-durable");
        try {
            long revision;
            try (CachaiServer server = CachaiServer.start(ServerConfig.ephemeral(dir));
                 Client client = client(server)) {
                var kv = client.getKVClient();
                kv.put(bs("kept"), bs("v1")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                long lease = client.getLeaseClient().grant(LEASE_TTL_SECONDS).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getID();
                List<WatchEvent> events = new CopyOnWriteArrayList<>();
                client.getWatchClient().watch(bs("eph"), WatchOption.DEFAULT, r -> events.addAll(r.getEvents()));
                kv.put(bs("eph"), bs("x"), PutOption.builder().withLeaseId(lease).build())
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                await().atMost(EXPIRY_WAIT).until(() -> events.stream()
                        .anyMatch(e -> e.getEventType() == WatchEvent.EventType.DELETE));
                assertThat(kv.get(bs("eph")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getCount()).isZero();
                revision = kv.get(bs("kept")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getHeader().getRevision();
            }
            try (CachaiServer server = CachaiServer.start(ServerConfig.ephemeral(dir));
                 Client client = client(server)) {
                var got = client.getKVClient().get(bs("kept")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(got.getKvs()).singleElement()
                        .satisfies(kv -> assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("v1"));
                assertThat(got.getHeader().getRevision()).isEqualTo(revision);
                // A watch from before the restart replays from the recovered history.
                List<WatchEvent> replay = new CopyOnWriteArrayList<>();
                client.getWatchClient().watch(bs("eph"), WatchOption.builder().withRevision(1).build(),
                        r -> replay.addAll(r.getEvents()));
                await().atMost(EXPIRY_WAIT).until(() -> replay.size() == 2);
                assertThat(replay).extracting(WatchEvent::getEventType)
                        .containsExactly(WatchEvent.EventType.PUT, WatchEvent.EventType.DELETE);
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    private static Client client(CachaiServer server) {
        return Client.builder().endpoints("http://127.0.0.1:" + server.etcdPort()).build();
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
