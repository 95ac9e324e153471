package dev.cachai.zk;

import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.testing.HeldGateway;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker loops count a write's reply as awaited from its start until it reaches them (see ReplyWaits). */
class RepliesAwaitedTest {
    private static final int WAIT_S = 10;
    private static final int WRITES = 3;
    private static final int READS = 5;

    @Test
    void aWriteIsAwaitedUntilItsReplyComesBackFromAnotherThread() throws Exception {
        HeldGateway gateway = new HeldGateway(c -> c instanceof ZkTxn);
        try (ZkServer server = new ZkServer(ZkServerConfig.defaults(), gateway)) {
            server.start();
            CountDownLatch up = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 10_000, e -> up.countDown());
            try {
                assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
                gateway.hold();
                CountDownLatch answered = new CountDownLatch(WRITES);
                for (int i = 0; i < WRITES; i++) {
                    zk.create("/n" + i, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, path, ctx, name) -> answered.countDown(), null);
                }
                await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> gateway.heldCount() == WRITES);
                assertThat(server.loops().repliesAwaited()).isEqualTo(WRITES);
                gateway.release(); // completes the writes on this thread, as the consensus loop would on its own
                assertThat(answered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
                assertThat(zk.exists("/n0", false)).isNotNull(); // a read: never awaited
                assertThat(server.loops().repliesAwaited()).isZero();
            } finally {
                zk.close();
            }
        }
    }

    @Test
    void callsAreCountedAndAReadIsAnsweredOnItsLoop() throws Exception {
        try (ZkServer server = new ZkServer(ZkServerConfig.defaults(), new HeldGateway(c -> false))) {
            server.start();
            CountDownLatch up = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 10_000, e -> up.countDown());
            try {
                assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < READS; i++) {
                    zk.exists("/", false);
                }
                // A ping may add a call of its own; it is answered on the loop as well.
                assertThat(server.loops().callsBegun()).isGreaterThanOrEqualTo(READS);
                assertThat(server.loops().callsBegunAtLastAnswer()).as("the last read was answered on the loop")
                        .isEqualTo(server.loops().callsBegun());
            } finally {
                zk.close();
            }
        }
    }
}
