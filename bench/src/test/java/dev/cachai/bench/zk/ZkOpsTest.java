package dev.cachai.bench.zk;

import dev.cachai.bench.OwnNode;
import dev.cachai.bench.load.ZkClientKind;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both clients make the calls the workloads count on, and report failures, against a node of our own. */
class ZkOpsTest extends OwnNode {
    private static final long CALL_SECONDS_MAX = 30;
    private static final byte[] DATA = "d".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @EnumSource(ZkClientKind.class)
    void callsSucceedAndFailAsTheServerAnswers(ZkClientKind kind) throws Exception {
        String parent = "/ops-" + kind;
        try (ZkOps ops = ZkOps.open(kind, target(), 2)) {
            done(ops.create(0, parent, new byte[0]));
            done(ops.ensure(1, parent, new byte[0]));
            assertFails(ops.create(1, parent, new byte[0]), KeeperException.NodeExistsException.class);
            for (int i = 0; i < 3; i++) {
                done(ops.create(i, parent + "/c" + i, DATA));
            }
            done(ops.setData(0, parent + "/c0", DATA));
            done(ops.getData(1, parent + "/c1"));
            assertFails(ops.getData(0, parent + "/missing"), KeeperException.NoNodeException.class);
            done(ops.getChildren(1, parent, 3));
            assertFails(ops.getChildren(0, parent, 4), IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ZkClientKind.class)
    void aDataWatchRunsOnceWhenTheDataChanges(ZkClientKind kind) throws Exception {
        String path = "/watched-" + kind;
        try (ZkOps ops = ZkOps.open(kind, target(), 2)) {
            done(ops.create(0, path, DATA));
            AtomicInteger firstRuns = new AtomicInteger();
            CompletableFuture<Void> second = new CompletableFuture<>();
            done(ops.watchData(1, path, firstRuns::incrementAndGet));
            done(ops.setData(0, path, DATA));
            done(ops.setData(0, path, DATA));
            // One-shot: only a re-armed watch sees a later change; events on a session arrive in
            // order, so a second run of the first watch would come before the re-armed one's.
            done(ops.watchData(1, path, () -> second.complete(null)));
            done(ops.setData(0, path, DATA));
            done(second);
            assertThat(firstRuns).hasValue(1);
            assertFails(ops.watchData(1, path + "/missing", () -> { }), KeeperException.NoNodeException.class);
        }
    }

    private static void done(CompletableFuture<Void> call) throws Exception {
        call.get(CALL_SECONDS_MAX, TimeUnit.SECONDS);
    }

    private static void assertFails(CompletableFuture<Void> call, Class<? extends Throwable> cause) {
        assertThatThrownBy(() -> call.get(CALL_SECONDS_MAX, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(cause);
    }
}
