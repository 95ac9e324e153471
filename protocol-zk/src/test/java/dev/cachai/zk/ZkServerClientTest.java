package dev.cachai.zk;

import dev.cachai.engine.testing.FixedHealth;
import dev.cachai.engine.testing.SyncGateway;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real ZooKeeper Java client against the adapter on a real engine. */
class ZkServerClientTest {
    private static final int WAIT_S = 10;
    private SyncGateway gateway;
    private ZkServer server;
    private final List<ZooKeeper> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        gateway = SyncGateway.withoutLeaseKeeper();
        server = new ZkServer(ZkServerConfig.defaults().withFourLetterWords(Set.of("*")).withTickTimeMs(500)
                .withAuth(null, true), gateway);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        server.close();
    }

    private ZooKeeper connect(Watcher w) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 5000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected && e.getType() == Watcher.Event.EventType.None) {
                connected.countDown();
            }
            if (w != null) {
                w.process(e);
            }
        });
        assertThat(connected.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        clients.add(zk);
        return zk;
    }

    @Test
    void crudAndErrors() throws Exception {
        ZooKeeper zk = connect(null);
        Stat stat = new Stat();
        assertThat(zk.create("/a", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat)).isEqualTo("/a");
        assertThat(stat.getVersion()).isZero();
        assertThat(stat.getCzxid()).isEqualTo(stat.getMzxid()).isPositive();
        assertThat(zk.getData("/a", false, null)).isEqualTo("x".getBytes());
        assertThat(zk.setData("/a", "y".getBytes(), 0).getVersion()).isEqualTo(1);
        assertThatThrownBy(() -> zk.setData("/a", "z".getBytes(), 0)).isInstanceOf(KeeperException.BadVersionException.class);
        assertThatThrownBy(() -> zk.create("/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                .isInstanceOf(KeeperException.NodeExistsException.class);
        assertThatThrownBy(() -> zk.getData("/missing", false, null)).isInstanceOf(KeeperException.NoNodeException.class);
        assertThat(zk.exists("/missing", false)).isNull();
        zk.create("/a/b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(zk.getData("/a/b", false, null)).isNull();
        assertThatThrownBy(() -> zk.delete("/a", -1)).isInstanceOf(KeeperException.NotEmptyException.class);
        String seq = zk.create("/a/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        assertThat(seq).isEqualTo("/a/s-0000000001");
        assertThat(zk.getChildren("/a", false)).containsExactly("b", "s-0000000001");
        assertThat(zk.getChildren("/", false)).containsExactly("a", "zookeeper");
        assertThat(zk.getChildren("/zookeeper", false)).containsExactly("config", "quota");
        assertThat(zk.getAllChildrenNumber("/")).isEqualTo(6);
        zk.delete("/a/b", -1);
        assertThat(zk.exists("/a", false).getNumChildren()).isEqualTo(1);
        assertThat(zk.exists("/a", false).getCversion()).isEqualTo(3);
    }

    @Test
    void ephemeralsGoWithTheSession() throws Exception {
        ZooKeeper owner = connect(null);
        ZooKeeper other = connect(null);
        owner.create("/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        assertThat(other.exists("/e", false).getEphemeralOwner()).isEqualTo(owner.getSessionId());
        assertThat(owner.getEphemerals()).containsExactly("/e");
        assertThatThrownBy(() -> owner.create("/e/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
                .isInstanceOf(KeeperException.NoChildrenForEphemeralsException.class);
        CountDownLatch deleted = new CountDownLatch(1);
        other.exists("/e", e -> {
            if (e.getType() == Watcher.Event.EventType.NodeDeleted) {
                deleted.countDown();
            }
        });
        owner.close();
        assertThat(deleted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(other.exists("/e", false)).isNull();
    }

    @Test
    void watchesFireOnceWithTheirTypes() throws Exception {
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        ZooKeeper zk = connect(null);
        ZooKeeper writer = connect(null);
        zk.exists("/w", events::add);
        writer.create("/w", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(events.poll(WAIT_S, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeCreated);
        zk.getData("/w", events::add, null);
        zk.getChildren("/w", events::add);
        writer.setData("/w", "1".getBytes(), -1);
        writer.setData("/w", "2".getBytes(), -1);
        WatchedEvent changed = events.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(changed.getType()).isEqualTo(Watcher.Event.EventType.NodeDataChanged);
        assertThat(changed.getZxid()).isEqualTo(writer.exists("/w", false).getMzxid() - 1);
        writer.create("/w/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(events.poll(WAIT_S, TimeUnit.SECONDS).getType()).isEqualTo(Watcher.Event.EventType.NodeChildrenChanged);
        assertThat(zk.getData("/w", false, null)).isEqualTo("2".getBytes());
        assertThat(events).isEmpty();
    }

    /** etcd writes that make and remove virtual nodes fire the watches getChildren and exists readers expect. */
    @Test
    void virtualNodesMadeByEtcdWritesFireChildAndExistenceWatches() throws Exception {
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        ZooKeeper zk = connect(null);
        zk.create("/v", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertThat(zk.getChildren("/v", events::add)).isEmpty();
        assertThat(zk.exists("/v/b", events::add)).isNull();
        gateway.propose(dev.cachai.engine.command.Put.of(bytes("/v/b/c"), bytes("x"))).join();
        assertThat(typesAndPaths(events, 2)).containsExactlyInAnyOrder("NodeChildrenChanged /v", "NodeCreated /v/b");
        Stat parent = new Stat();
        assertThat(zk.getChildren("/v", events::add, parent)).containsExactly("b");
        assertThat(parent.getNumChildren()).isEqualTo(1);
        assertThat(zk.exists("/v/b", events::add).getNumChildren()).isEqualTo(1);
        gateway.propose(dev.cachai.engine.command.DeleteRange.of(bytes("/v/b/c"))).join();
        assertThat(typesAndPaths(events, 2)).containsExactlyInAnyOrder("NodeChildrenChanged /v", "NodeDeleted /v/b");
        assertThat(zk.getChildren("/v", false, parent)).isEmpty();
        assertThat(parent.getNumChildren()).isZero();
        zk.delete("/v", -1);
        assertThat(events).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> typesAndPaths(BlockingQueue<WatchedEvent> events, int count) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            WatchedEvent e = events.poll(WAIT_S, TimeUnit.SECONDS);
            assertThat(e).as("event %d of %d after %s", i + 1, count, seen).isNotNull();
            seen.add(e.getType() + " " + e.getPath());
        }
        return seen;
    }

    @Test
    void persistentRecursiveWatchSeesDescendants() throws Exception {
        BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        ZooKeeper zk = connect(null);
        zk.create("/r", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Watcher recursive = events::add;
        zk.addWatch("/r", recursive, AddWatchMode.PERSISTENT_RECURSIVE);
        zk.create("/r/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/r/a/b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setData("/r/a", "x".getBytes(), -1);
        zk.delete("/r/a/b", -1);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            WatchedEvent e = events.poll(WAIT_S, TimeUnit.SECONDS);
            seen.add(e.getType() + " " + e.getPath());
        }
        assertThat(seen).containsExactly("NodeCreated /r/a", "NodeCreated /r/a/b", "NodeDataChanged /r/a",
                "NodeDeleted /r/a/b");
        zk.removeWatches("/r", recursive, Watcher.WatcherType.Any, false);
        assertThatThrownBy(() -> zk.removeWatches("/nowatch", e -> { }, Watcher.WatcherType.Data, false))
                .isInstanceOf(KeeperException.NoWatcherException.class);
    }

    @Test
    void multiIsAtomic() throws Exception {
        ZooKeeper zk = connect(null);
        List<OpResult> ok = zk.multi(List.of(
                Op.create("/m", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create("/m/1", "a".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.setData("/m", "v".getBytes(), 0),
                Op.check("/m", 1)));
        assertThat(ok).hasSize(4);
        assertThat(((OpResult.CreateResult) ok.get(1)).getPath()).isEqualTo("/m/1");
        try {
            zk.multi(List.of(Op.delete("/m/1", -1), Op.check("/m", 7), Op.delete("/m", -1)));
        } catch (KeeperException e) {
            assertThat(e.code()).isEqualTo(KeeperException.Code.BADVERSION);
            List<Integer> errs = e.getResults().stream().map(r -> ((OpResult.ErrorResult) r).getErr()).toList();
            assertThat(errs).containsExactly(0, -103, -2);
        }
        assertThat(zk.exists("/m/1", false)).isNotNull();
    }

    @Test
    void digestAclsAndSuperlessAccess() throws Exception {
        ZooKeeper owner = connect(null);
        owner.addAuthInfo("digest", "alice:secret".getBytes());
        owner.create("/p", "s".getBytes(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        List<ACL> acl = owner.getACL("/p", new Stat());
        assertThat(acl).containsExactly(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuth.idFor("alice:secret"))));
        ZooKeeper stranger = connect(null);
        assertThatThrownBy(() -> stranger.getData("/p", false, null)).isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(owner.getData("/p", false, null)).isEqualTo("s".getBytes());
        assertThat(owner.whoAmI()).extracting(c -> c.getAuthScheme() + ":" + c.getUser()).contains("digest:alice");
    }

    @Test
    void expiredSessionIdGetsExpired() throws Exception {
        BlockingQueue<WatchedEvent> states = new LinkedBlockingQueue<>();
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + server.port(), 5000, states::add, 0x1234L, new byte[16]);
        clients.add(zk);
        WatchedEvent e = states.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(e.getState()).isEqualTo(Watcher.Event.KeeperState.Expired);
    }

    @Test
    void fourLetterWordsAnswer() throws Exception {
        assertThat(fourLetter("ruok")).isEqualTo("imok");
        assertThat(fourLetter("mntr")).contains("zk_version\t").contains("zk_znode_count\t");
        assertThat(fourLetter("srvr")).startsWith("Zookeeper version: 3.9.5").contains("Mode: standalone");
        assertThat(fourLetter("isro")).isEqualTo("rw");
    }

    @Test
    void stmkSetsTheMaskGtmkShows() throws Exception {
        assertThat(fourLetter("gtmk")).isEqualTo("306");
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(ByteBuffer.allocate(12).put("stmk".getBytes(StandardCharsets.US_ASCII)).putLong(-2).array());
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("-2");
        }
        assertThat(fourLetter("gtmk")).isEqualTo("-2");
        assertThat(fourLetter("stmk")).as("no mask: dropped unanswered").isEmpty();
        assertThat(fourLetter("gtmk")).isEqualTo("-2");
    }

    @Test
    void crstStartsEveryConnectionsCountsOver() throws Exception {
        ZooKeeper zk = connect(null);
        for (int i = 0; i < 20; i++) {
            zk.exists("/", false);
        }
        assertThat(received(ownConnection(fourLetter("cons"), zk))).isGreaterThanOrEqualTo(20);
        assertThat(fourLetter("crst")).isEqualTo("Connection stats reset.\n");
        String after = ownConnection(fourLetter("cons"), zk);
        // The client may ping between the two words: at most that one request is counted again.
        assertThat(received(after)).as(after).isLessThanOrEqualTo(1);
        if (received(after) == 0) {
            assertThat(after).contains(",lop=NA,").contains(
                    ",lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)");
        }
    }

    private static long received(String consLine) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("recved=(\\d+)").matcher(consLine);
        assertThat(m.find()).as(consLine).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String ownConnection(String cons, ZooKeeper zk) {
        return cons.lines().filter(l -> l.contains("sid=0x" + Long.toHexString(zk.getSessionId()) + ","))
                .findFirst().orElseThrow(() -> new AssertionError("no cons line for the session in:\n" + cons));
    }

    @Test
    void confAndDirsShowNoFilesForAGatewayWithoutAny() throws Exception {
        assertThat(fourLetter("dirs")).isEqualTo("datadir_size: 0\nlogdir_size: 0\n");
        assertThat(fourLetter("conf")).startsWith("clientPort=" + server.port() + "\nsecureClientPort=-1\ndataDir=\n"
                + "dataDirSize=0\ndataLogDir=\ndataLogSize=0\ntickTime=500\n");
    }

    @Test
    void aNodeWithoutLeaderSaysImOkButNotServingAsZooKeeperDoes() throws Exception {
        gateway.health(FixedHealth.NO_LEADER);
        assertThat(fourLetter("ruok")).isEqualTo("imok");
        assertThat(fourLetter("isro")).isEqualTo("null");
        assertThat(fourLetter("srvr")).isEqualTo("This ZooKeeper instance is not currently serving requests\n");
        assertThat(fourLetter("stat")).isEqualTo("This ZooKeeper instance is not currently serving requests\n");
        assertThat(fourLetter("mntr")).isEqualTo("This ZooKeeper instance is not currently serving requests\n");
        for (String word : List.of("conf", "cons", "crst", "dirs", "dump", "srst", "wchs", "wchc", "wchp")) {
            assertThat(fourLetter(word)).as(word).isEqualTo("This ZooKeeper instance is not currently serving requests\n");
        }
        assertThat(fourLetter("hash")).isEqualTo("This ZooKeeper instance is not currently serving requests");
        assertThat(fourLetter("envi")).startsWith("Environment:\n");
        assertThat(fourLetter("gtmk")).isEqualTo("306");
        gateway.health(FixedHealth.STOPPED);
        assertThat(fourLetter("ruok")).as("a stopped node stays silent").isEmpty();
    }

    @Test
    void oversizedFrameClosesOnlyThatConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0x7f, 0, 0, 0});
            out.flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        ZooKeeper zk = connect(null);
        assertThat(zk.exists("/", false)).isNotNull();
    }

    private String fourLetter(String word) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
