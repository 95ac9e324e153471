package dev.cachai.zk;

import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.testing.HeldGateway;
import dev.cachai.engine.testing.SyncGateway;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Per-connection and per-address limits, and the 4lw whitelist. */
class ZkLimitsTest {
    private static final int WAIT_S = 10;
    private static final int OUTSTANDING_MAX = 8;
    private static final int CONNECTIONS_MAX = 2;
    private static final int PAYLOAD_BYTES = 1024;
    /** Enough bytes that the server must stop reading before it has them all (2 MiB). */
    private static final int PIPELINED_REQUESTS = 2048;

    private ZkServer server;
    private final List<ZooKeeper> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        server.close();
    }

    private void start(ZkServerConfig config, dev.cachai.engine.CommandGateway gateway) {
        server = new ZkServer(config, gateway);
        server.start();
    }

    private ZooKeeper connect() throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 10_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        clients.add(zk);
        assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    @Test
    void tooManyOutstandingRequestsStopReadingUntilRepliesLeave() throws Exception {
        HeldGateway gateway = new HeldGateway(c -> c instanceof ZkTxn);
        start(ZkServerConfig.defaults().withLimits(0, OUTSTANDING_MAX, ZkServerConfig.JUTE_MAX_BUFFER_DEFAULT), gateway);
        ZooKeeper zk = connect();
        ZkConnection conn = server.connections().get(0);
        gateway.hold();
        List<String> created = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(PIPELINED_REQUESTS);
        for (int i = 0; i < PIPELINED_REQUESTS; i++) {
            zk.create("/n" + i, new byte[PAYLOAD_BYTES], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                    (rc, path, ctx, name) -> {
                        created.add(rc == 0 ? name : "rc" + rc);
                        done.countDown();
                    }, null);
        }
        await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> !conn.channel().config().isAutoRead());
        assertThat(gateway.heldCount()).as("writes started while reading is paused").isLessThan(PIPELINED_REQUESTS);
        gateway.release();
        assertThat(done.await(WAIT_S, TimeUnit.SECONDS)).as("every create answered").isTrue();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < PIPELINED_REQUESTS; i++) {
            expected.add("/n" + i);
        }
        assertThat(created).as("callbacks in request order").containsExactlyElementsOf(expected);
        assertThat(conn.channel().config().isAutoRead()).isTrue();
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        start(ZkServerConfig.defaults().withLimits(CONNECTIONS_MAX, 1000, ZkServerConfig.JUTE_MAX_BUFFER_DEFAULT),
                SyncGateway.withoutLeaseKeeper());
        ZooKeeper first = connect();
        connect();
        try (Socket third = new Socket("127.0.0.1", server.port())) {
            third.setSoTimeout(WAIT_S * 1000);
            assertThat(third.getInputStream().read()).as("the third connection is closed").isEqualTo(-1);
        }
        first.close();
        await().atMost(Duration.ofSeconds(WAIT_S)).until(() -> server.connections().size() < CONNECTIONS_MAX);
        assertThat(connect().exists("/", false)).isNotNull();
    }

    @Test
    void wordsOutsideTheWhitelistAreRefused() throws Exception {
        start(ZkServerConfig.defaults().withFourLetterWords(Set.of("ruok")), SyncGateway.withoutLeaseKeeper());
        assertThat(fourLetter("ruok")).isEqualTo("imok");
        assertThat(fourLetter("srvr")).isEqualTo("srvr is not executed because it is not in the whitelist.\n");
        assertThat(fourLetter("mntr")).isEqualTo("mntr is not executed because it is not in the whitelist.\n");
    }

    private String fourLetter(String word) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(WAIT_S * 1000);
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
                return "timeout";
            }
        }
    }
}
