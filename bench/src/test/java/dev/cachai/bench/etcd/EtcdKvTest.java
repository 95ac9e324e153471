package dev.cachai.bench.etcd;

import dev.cachai.bench.OwnNode;
import dev.cachai.bench.load.EtcdClientKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Both client libraries make the calls the workloads count on, against a node of our own. */
class EtcdKvTest extends OwnNode {
    private static final long CALL_SECONDS_MAX = 30;

    @ParameterizedTest
    @EnumSource(EtcdClientKind.class)
    void putGetAndCompareAndSwap(EtcdClientKind kind) throws Exception {
        byte[] key = ("/kv-test-" + kind).getBytes(StandardCharsets.UTF_8);
        byte[] missing = ("/kv-test-missing-" + kind).getBytes(StandardCharsets.UTF_8);
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);
        try (EtcdKv kv = EtcdKv.open(kind, target(), 2)) {
            kv.put(0, key, value).get(CALL_SECONDS_MAX, TimeUnit.SECONDS);
            assertThat(kv.get(1, key, false).get(CALL_SECONDS_MAX, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(kv.get(0, key, true).get(CALL_SECONDS_MAX, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(kv.get(1, missing, false).get(CALL_SECONDS_MAX, TimeUnit.SECONDS)).isZero();

            assertThat(kv.putIfVersion(0, key, 1, value).get(CALL_SECONDS_MAX, TimeUnit.SECONDS)).isTrue();
            assertThat(kv.putIfVersion(1, key, 1, value).get(CALL_SECONDS_MAX, TimeUnit.SECONDS))
                    .as("the version is 2 now").isFalse();
            assertThat(kv.putIfVersion(1, key, 2, value).get(CALL_SECONDS_MAX, TimeUnit.SECONDS)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(EtcdClientKind.class)
    void watchersHearTheirCreationAndEachPut(EtcdClientKind kind) throws Exception {
        byte[] key = ("/watch-test-" + kind).getBytes(StandardCharsets.UTF_8);
        int watcherCount = 3;
        CountDownLatch created = new CountDownLatch(watcherCount);
        CountDownLatch events = new CountDownLatch(2 * watcherCount);
        try (EtcdKv kv = EtcdKv.open(kind, target(), 2);
             EtcdWatchers watchers = EtcdWatchers.open(kind, target(), 2, created::countDown, n -> {
                 for (int i = 0; i < n; i++) {
                     events.countDown();
                 }
             })) {
            for (int i = 0; i < watcherCount; i++) {
                watchers.watch(i, key);
            }
            assertThat(created.await(CALL_SECONDS_MAX, TimeUnit.SECONDS)).isTrue();
            kv.put(0, key, "1".getBytes(StandardCharsets.UTF_8)).get(CALL_SECONDS_MAX, TimeUnit.SECONDS);
            kv.put(1, key, "2".getBytes(StandardCharsets.UTF_8)).get(CALL_SECONDS_MAX, TimeUnit.SECONDS);
            assertThat(events.await(CALL_SECONDS_MAX, TimeUnit.SECONDS)).as("two events for each watcher").isTrue();
        }
    }
}
