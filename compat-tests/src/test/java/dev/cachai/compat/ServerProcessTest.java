package dev.cachai.compat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runnable jar as an operator uses it: starts with flags, serves both protocols, stops on
 * SIGTERM, and a restart on the same data dir finds every acknowledged write.
 */
class ServerProcessTest {
    private static final Path JAR = Path.of("..", "server", "target", "cachai-server.jar");

    private Process start(Path dataDir, int zkPort, int etcdPort, Path logFile) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString(), "--data-dir", dataDir.toString(),
                "--zk-listen", "127.0.0.1:" + zkPort, "--etcd-listen", "127.0.0.1:" + etcdPort,
                "--peer-listen", "127.0.0.1:" + FreePorts.next(), "--name", "proc-test");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process p = pb.start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(p.isAlive()).as("server exited early; log: %s", Files.readString(logFile)).isTrue();
            return accepts(zkPort) && accepts(etcdPort);
        });
        return p;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static ZooKeeper zk(int port) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 10_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    private static void stop(Process p) throws Exception {
        p.destroy();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
    }

    @Test
    void jarServesBothProtocolsAndKeepsDataAcrossRestart(@TempDir Path tmp) throws Exception {
        assertThat(JAR).as("run mvn package first").exists();
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("server.log");
        int zkPort = FreePorts.next();
        int etcdPort = FreePorts.next();
        Process p = start(data, zkPort, etcdPort, log);
        try (ZooKeeper zk = zk(zkPort);
             Client etcd = Client.builder().endpoints("http://127.0.0.1:" + etcdPort).build()) {
            zk.create("/kept", "zk-data".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            etcd.getKVClient().put(bs("etcd-key"), bs("etcd-value")).get(10, TimeUnit.SECONDS);
            String viaEtcd = etcd.getKVClient().get(bs("/kept")).get(10, TimeUnit.SECONDS).getKvs().get(0)
                    .getValue().toString(StandardCharsets.UTF_8);
            assertThat(viaEtcd).isEqualTo("zk-data");
        }
        stop(p);
        assertThat(Files.readString(log)).contains("ready in").contains("stopped");

        Process again = start(data, zkPort, etcdPort, log);
        try (ZooKeeper zk = zk(zkPort);
             Client etcd = Client.builder().endpoints("http://127.0.0.1:" + etcdPort).build()) {
            assertThat(new String(zk.getData("/kept", false, null), StandardCharsets.UTF_8)).isEqualTo("zk-data");
            List<io.etcd.jetcd.KeyValue> kvs = etcd.getKVClient().get(bs("etcd-key")).get(10, TimeUnit.SECONDS).getKvs();
            assertThat(kvs).hasSize(1);
            assertThat(kvs.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("etcd-value");
        } finally {
            stop(again);
        }
    }

    @Test
    void unknownOptionIsRefusedWithUsage(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File out = tmp.resolve("out.txt").toFile();
        Process p = new ProcessBuilder(java, "-jar", JAR.toString(), "--no-such-option", "x")
                .redirectErrorStream(true).redirectOutput(out).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(out.toPath())).contains("unknown setting 'no-such-option'").contains("usage:");
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
