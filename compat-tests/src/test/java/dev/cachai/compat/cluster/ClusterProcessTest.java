package dev.cachai.compat.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.cachai.compat.cluster.EtcdWriter.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three members as separate JVMs on loopback: writes through either protocol on any member are
 * seen everywhere in one order; a leader killed with SIGKILL under load is replaced quickly, no
 * acknowledged write is lost, and the killed member catches up when it comes back.
 */
class ClusterProcessTest {
    /** The target is 2 s; the bound leaves room for a loaded two-core CI machine. */
    private static final long FAILOVER_GAP_MS_MAX = 4_000;
    private static final int ACKS_BEFORE_KILL = 200;
    private static final int ACKS_AFTER_KILL = 200;
    private static final int SHORT_SESSION_MS = 3_000;
    /** Answers the register clients must get once the stopped leader is back, its clients included. */
    private static final int ANSWERS_AFTER_RETURN = 100;

    @Test
    void zooKeeperAndEtcdClientsOnDifferentMembersSeeEachOthersWritesInOrder(@TempDir Path tmp) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(tmp, 3).startAll()) {
            cluster.awaitAgreedLeader();
            try (ZooKeeper zkOn0 = zk(cluster.zkConnect(0));
                 Client etcdOn1 = Client.builder().endpoints(cluster.etcdEndpoint(1)).build();
                 Client etcdOn2 = Client.builder().endpoints(cluster.etcdEndpoint(2)).build()) {
                var members = etcdOn2.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers();
                assertThat(members).as("MemberList shows the whole cluster").hasSize(3);
                zkOn0.create("/order", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                List<String> written = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String path = "/order/w" + i;
                    if (i % 2 == 0) {
                        zkOn0.create(path, ("zk" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT);
                    } else {
                        etcdOn1.getKVClient().put(bytes(path), bytes("etcd" + i)).get(10, TimeUnit.SECONDS);
                    }
                    written.add(path);
                }
                List<KeyValue> seenOn2 = etcdOn2.getKVClient()
                        .get(bytes("/order/"), GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS)
                        .getKvs();
                List<String> byRevision = seenOn2.stream().sorted(Comparator.comparingLong(KeyValue::getModRevision))
                        .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).toList();
                assertThat(byRevision).as("one order on every member").isEqualTo(written);
                try (ZooKeeper zkOn2 = zk(cluster.zkConnect(2))) {
                    sync(zkOn2, "/order");
                    assertThat(zkOn2.getChildren("/order", false)).containsExactlyInAnyOrderElementsOf(
                            written.stream().map(p -> p.substring("/order/".length())).toList());
                    assertThat(new String(zkOn2.getData("/order/w1", false, null), StandardCharsets.UTF_8))
                            .isEqualTo("etcd1");
                }
            }
            writesAlternatingBetweenProtocolsAndMembersAreSeenAtOnceAndWatchedInOrder(cluster);
        }
    }

    /**
     * One key written in turns by a ZooKeeper client and an etcd client, each on another member
     * than the previous writer: every turn reads the key (ZooKeeper after sync) and must see the
     * previous turn's write, then writes conditionally on the version it read, which must succeed.
     * An etcd watch on a third member sees every write, in order.
     */
    private static void writesAlternatingBetweenProtocolsAndMembersAreSeenAtOnceAndWatchedInOrder(
            ProcessCluster cluster) throws Exception {
        String key = "/pingpong";
        History notRecorded = new History();
        List<RegisterClient> turns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            turns.add(new ZkRegisterClient(cluster.zkConnect(i), i, notRecorded, List.of(key)));
            turns.add(new EtcdRegisterClient(cluster.etcdEndpoint((i + 1) % 3), (i + 1) % 3, notRecorded, List.of(key)));
        }
        try (ZooKeeper zkOn0 = zk(cluster.zkConnect(0));
             Client watcherOn2 = Client.builder().endpoints(cluster.etcdEndpoint(2)).build()) {
            zkOn0.create(key, bytesOf("turn-0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            long created = watcherOn2.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
            List<String> watched = new CopyOnWriteArrayList<>();
            try (Watch.Watcher watch = watcherOn2.getWatchClient().watch(bytes(key),
                    WatchOption.builder().withRevision(created + 1).build(), Watch.listener(response ->
                            response.getEvents().forEach(e -> watched.add(
                                    e.getKeyValue().getValue().toString(StandardCharsets.UTF_8)))))) {
                List<String> written = new ArrayList<>();
                String previous = "turn-0";
                for (int turn = 1; turn <= 12; turn++) {
                    RegisterClient writer = turns.get(turn % turns.size());
                    RegisterClient.Seen seen = writer.read(key);
                    assertThat(seen.value()).as("turn %d: %s sees the previous turn's write", turn, writer.name)
                            .isEqualTo(previous);
                    previous = "turn-" + turn;
                    assertThat(writer.compareAndSet(key, seen, previous)).as("turn %d: %s", turn, writer.name).isTrue();
                    written.add(previous);
                }
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watched).isEqualTo(written));
                KeyValue last = watcherOn2.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs().get(0);
                Stat stat = zkOn0.exists(key, false);
                assertThat(stat.getVersion()).as("ZooKeeper's version is etcd's minus one")
                        .isEqualTo(last.getVersion() - 1).isEqualTo(written.size());
            }
        } finally {
            for (RegisterClient c : turns) {
                c.close();
            }
        }
    }

    private static byte[] bytesOf(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void killingTheLeaderUnderLoadLosesNoAcknowledgedWrite(@TempDir Path tmp) throws Exception {
        loseTheLeaderUnderLoad(tmp, "killed (SIGKILL)", ProcessCluster::kill);
    }

    @Test
    void aLeaderStoppedWithSigtermHandsOverAndLosesNoAcknowledgedWrite(@TempDir Path tmp) throws Exception {
        loseTheLeaderUnderLoad(tmp, "stopped (SIGTERM)", ProcessCluster::stop);
    }

    private interface Stopper {
        void stop(ProcessCluster cluster, int member) throws Exception;
    }

    /**
     * Clients write to every member; the leader goes away; writes must resume within the bound,
     * the leader must come back and catch up, and no acknowledged write may be missing anywhere.
     * Meanwhile etcd and ZooKeeper clients on every member read, write and compare-and-set shared
     * keys: their whole history must be linearizable ({@link RegisterWorkload}).
     */
    private void loseTheLeaderUnderLoad(Path tmp, String how, Stopper stopper) throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(tmp, 3).startAll()) {
            int leader = cluster.awaitAgreedLeader();
            int survivor = (leader + 1) % 3;
            // Short enough to expire during the run unless the follower passes its pings on to the leader.
            ZooKeeper sessionOnSurvivor = zk(cluster.zkConnect(survivor), SHORT_SESSION_MS);
            sessionOnSurvivor.create("/alive", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            try (RegisterWorkload workload = RegisterWorkload.start(cluster)) {
                Map<String, String> acked = EtcdWriter.newLedger();
                List<EtcdWriter> writers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    writers.add(new EtcdWriter(cluster.etcdEndpoint(i), "load/" + i + "/", acked).start());
                }
                long stoppedAt;
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= ACKS_BEFORE_KILL);
                    stoppedAt = System.nanoTime();
                    stopper.stop(cluster, leader);
                    int before = acked.size();
                    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= before + ACKS_AFTER_KILL);
                } finally {
                    for (EtcdWriter w : writers) {
                        w.close();
                    }
                }
                long gapMs = failoverGapMs(writers, leader, stoppedAt);
                System.out.printf("FAILOVER: leader m%d %s, writes resumed after a gap of %d ms; %d writes acked%n",
                        leader, how, gapMs, acked.size());
                assertThat(gapMs).isLessThan(FAILOVER_GAP_MS_MAX);

                cluster.launch(leader);
                cluster.awaitServing(leader);
                assertEveryAckedWriteIsOn(cluster.etcdEndpoint(leader), acked);
                assertEveryAckedWriteIsOn(cluster.etcdEndpoint(survivor), acked);
                // The session lived on a follower through the whole run: its pings reached the leaders.
                assertThat(sessionOnSurvivor.exists("/alive", false)).isNotNull();
                sessionOnSurvivor.close();
                workload.awaitMoreAnswers(ANSWERS_AFTER_RETURN);
                workload.stopAndCheck();
            }
        }
    }

    /**
     * The longest time no surviving member's client got an acknowledgement, from the kill until
     * the end of the run: how long the cluster could not take writes.
     */
    private static long failoverGapMs(List<EtcdWriter> writers, int killed, long killedAt) {
        List<Long> times = new ArrayList<>();
        times.add(killedAt);
        for (int i = 0; i < writers.size(); i++) {
            if (i != killed) {
                writers.get(i).acks.forEach(ack -> {
                    if (ack.atNanos() > killedAt) {
                        times.add(ack.atNanos());
                    }
                });
            }
        }
        assertThat(times).as("writes resumed after the kill").hasSizeGreaterThan(1);
        times.sort(null);
        long gapNanos = 0;
        for (int i = 1; i < times.size(); i++) {
            gapNanos = Math.max(gapNanos, times.get(i) - times.get(i - 1));
        }
        return TimeUnit.NANOSECONDS.toMillis(gapNanos);
    }

    private static void assertEveryAckedWriteIsOn(String endpoint, Map<String, String> acked) throws Exception {
        try (Client client = Client.builder().endpoints(endpoint).build()) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .untilAsserted(() -> {
                        Map<String, String> stored = new HashMap<>();
                        for (KeyValue kv : client.getKVClient().get(bytes("load/"),
                                GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()) {
                            stored.put(kv.getKey().toString(StandardCharsets.UTF_8),
                                    kv.getValue().toString(StandardCharsets.UTF_8));
                        }
                        assertThat(stored).containsAllEntriesOf(acked);
                    });
        }
    }

    private static ZooKeeper zk(String connect) throws Exception {
        return zk(connect, 10_000);
    }

    private static ZooKeeper zk(String connect, int sessionTimeoutMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, sessionTimeoutMs, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    private static void sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> done.complete(rc), null);
        assertThat(done.get(10, TimeUnit.SECONDS)).isZero();
    }

}
