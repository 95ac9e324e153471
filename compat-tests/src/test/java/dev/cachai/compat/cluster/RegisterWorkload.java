package dev.cachai.compat.cluster;

import dev.cachai.consensus.linearizability.Register;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An etcd client and a ZooKeeper client on every member of a cluster, all working on the same few
 * keys (a ZooKeeper path is the etcd key with the same bytes) and recording one {@link History};
 * after the run, the final state read from every member through both protocols joins the history,
 * which must then be linearizable and must keep every acknowledged write.
 */
final class RegisterWorkload implements AutoCloseable {
    static final List<String> KEYS = List.of("/lin/k0", "/lin/k1", "/lin/k2", "/lin/k3");
    private static final Duration PROGRESS_WAIT_MAX = Duration.ofSeconds(60);

    final History history = new History();
    private final ProcessCluster cluster;
    private final List<RegisterClient> clients = new ArrayList<>();
    private boolean stopped;

    private RegisterWorkload(ProcessCluster cluster) {
        this.cluster = cluster;
    }

    /** Creates the keys with {@link History#INITIAL} through ZooKeeper, then starts the clients. */
    static RegisterWorkload start(ProcessCluster cluster) throws Exception {
        try (ZooKeeper zk = ZkRegisterClient.open(cluster.zkConnect(0))) {
            createRetrying(zk, "/lin", new byte[0]);
            for (String key : KEYS) {
                createRetrying(zk, key, History.INITIAL.getBytes(StandardCharsets.UTF_8));
            }
        }
        RegisterWorkload workload = new RegisterWorkload(cluster);
        for (int i = 0; i < cluster.size(); i++) {
            workload.clients.add(new EtcdRegisterClient(cluster.etcdEndpoint(i), i, workload.history, KEYS).start());
            workload.clients.add(new ZkRegisterClient(cluster.zkConnect(i), i, workload.history, KEYS).start());
        }
        return workload;
    }

    /** Attempts at one setup create before the setup fails. */
    private static final int SETUP_CREATE_ATTEMPTS_MAX = 3;

    /**
     * A setup create retried on connection loss, as ZooKeeper clients (Curator's retry policies)
     * do: on three JVMs just started on two cores, the first session has been seen to take longer
     * than the server's 5 s request timeout (the client then reconnects by itself). A node found
     * existing after a lost connection is the earlier attempt's.
     */
    private static void createRetrying(ZooKeeper zk, String path, byte[] data) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                return;
            } catch (KeeperException.ConnectionLossException e) {
                if (attempt == SETUP_CREATE_ATTEMPTS_MAX) {
                    throw e;
                }
                System.out.println("SETUP: connection lost creating " + path + " (attempt " + attempt + "), retrying");
            } catch (KeeperException.NodeExistsException e) {
                if (attempt == 1) {
                    throw e;
                }
                return;
            }
        }
    }

    /** Waits until clients got {@code count} more answers than they had. */
    void awaitMoreAnswers(int count) {
        int target = history.answeredCount() + count;
        await().atMost(PROGRESS_WAIT_MAX).pollInterval(Duration.ofMillis(50))
                .until(() -> history.answeredCount() >= target);
    }

    /**
     * Stops the clients, reads every key from every member through etcd and through ZooKeeper
     * (members may still be catching up: retried until they answer), and checks the history.
     */
    void stopAndCheck() throws Exception {
        close();
        Map<String, String> finalValues = new HashMap<>();
        for (int i = 0; i < cluster.size(); i++) {
            RegisterClient etcd = new EtcdRegisterClient(cluster.etcdEndpoint(i), i, history, KEYS);
            RegisterClient zk = new ZkRegisterClient(cluster.zkConnect(i), i, history, KEYS);
            try (etcd; zk) {
                for (String key : KEYS) {
                    for (RegisterClient reader : List.of(etcd, zk)) {
                        String value = finalRead(reader, key);
                        String before = finalValues.putIfAbsent(key, value);
                        assertThat(value).as("final %s on m%d through %s", key, i, reader.name)
                                .isEqualTo(before == null ? value : before);
                    }
                }
            }
        }
        history.assertLinearizable();
        history.assertNoAcknowledgedWriteLost(finalValues);
    }

    private String finalRead(RegisterClient reader, String key) {
        String[] value = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    long invokedAt = history.nowMicros();
                    value[0] = reader.read(key).value();
                    history.answered(key, reader.member, invokedAt,
                            Register.read(value[0]).by("final " + reader.name));
                    return true;
                });
        return value[0];
    }

    @Override
    public void close() throws Exception {
        if (stopped) {
            return;
        }
        stopped = true;
        for (RegisterClient c : clients) {
            c.close();
        }
    }
}
