package dev.cachai.compat.zk;

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
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same scenario runs against Cachai and a real ZooKeeper 3.9.5; the transcripts (results,
 * error codes, Stat fields with zxids relative to the scenario's first zxid, watch events) must match.
 */
class ZkDifferentialTest extends BothTargets {
    private static final int WAIT_S = 10;
    /** The target the running scenario talks to, for scenarios that open more clients. */
    private ZkTargets.Target current;

    interface Scenario {
        void run(ZooKeeper zk, ZooKeeper other, Transcript t) throws Exception;
    }

    /** What a scenario observed; zxids are written relative to a baseline so both servers compare. */
    static final class Transcript {
        final List<String> lines = new ArrayList<>();
        long baseline;

        void add(String s) {
            lines.add(s);
        }

        String stat(Stat s) {
            return "czxid+" + rel(s.getCzxid()) + " mzxid+" + rel(s.getMzxid()) + " pzxid+" + rel(s.getPzxid())
                    + " v" + s.getVersion() + " cv" + s.getCversion() + " av" + s.getAversion()
                    + " len" + s.getDataLength() + " kids" + s.getNumChildren()
                    + (s.getEphemeralOwner() != 0 ? " eph" : "");
        }

        /** A zxid relative to the baseline; 0 (none yet) and -1 (an event of no change) stay -1. */
        long rel(long zxid) {
            return zxid <= 0 ? -1 : zxid - baseline;
        }

        void attempt(String label, ThrowingSupplier<Object> op) {
            try {
                Object r = op.get();
                add(label + " -> " + (r instanceof Stat s ? stat(s) : r instanceof byte[] b ? new String(b) : r));
            } catch (KeeperException e) {
                add(label + " -> " + e.code());
            } catch (Exception e) {
                add(label + " -> " + e.getClass().getSimpleName());
            }
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private List<String> run(ZkTargets.Target target, String root, Scenario s) throws Exception {
        current = target;
        return transcript(target, root, s);
    }

    /** What a scenario observes on one server, after creating its root node there. */
    static List<String> transcript(ZkTargets.Target target, String root, Scenario s) throws Exception {
        try (ZooKeeper zk = connect(target); ZooKeeper other = connect(target)) {
            Transcript t = new Transcript();
            t.baseline = zk.create(root, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, new Stat(), -1).isEmpty()
                    ? 0 : zk.exists(root, false).getCzxid();
            s.run(zk, other, t);
            return t.lines;
        }
    }

    static ZooKeeper connect(ZkTargets.Target target) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(target.connectString(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).as("connected to " + target.name()).isTrue();
        return zk;
    }

    private void compare(String root, Scenario s) throws Exception {
        List<String> expected = run(real, root, s);
        List<String> actual = run(cachai, root, s);
        assertThat(actual).as("cachai vs zookeeper").containsExactlyElementsOf(expected);
    }

    /** The same comparison for suites with their own pair of servers. */
    static void compare(ZkTargets.Target real, ZkTargets.Target cachai, String root, Scenario s) throws Exception {
        List<String> expected = transcript(real, root, s);
        assertThat(transcript(cachai, root, s)).as("cachai vs zookeeper").containsExactlyElementsOf(expected);
    }

    @Test
    void crudErrorsAndStats() throws Exception {
        compare("/crud", (zk, other, t) -> {
            t.attempt("create /crud/a", () -> zk.create("/crud/a", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("create again", () -> zk.create("/crud/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("create no parent", () -> zk.create("/crud/x/y", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("stat a", () -> zk.exists("/crud/a", false));
            t.attempt("set bad version", () -> zk.setData("/crud/a", "y".getBytes(), 5));
            t.attempt("set", () -> zk.setData("/crud/a", "y".getBytes(), 0));
            t.attempt("get", () -> zk.getData("/crud/a", false, null));
            t.attempt("seq", () -> zk.create("/crud/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL));
            t.attempt("eph", () -> zk.create("/crud/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
            t.attempt("under eph", () -> zk.create("/crud/e/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("stat eph", () -> zk.exists("/crud/e", false));
            t.attempt("children", () -> zk.getChildren("/crud", false).stream().sorted().toList());
            t.attempt("delete not empty", () -> { zk.delete("/crud", -1); return "ok"; });
            t.attempt("delete bad version", () -> { zk.delete("/crud/a", 3); return "ok"; });
            t.attempt("delete", () -> { zk.delete("/crud/a", 1); return "ok"; });
            t.attempt("stat root of scenario", () -> zk.exists("/crud", false));
            t.attempt("bad path", () -> zk.create("/crud//x", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("ttl", () -> zk.create("/crud/t", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 60_000));
            t.attempt("container", () -> zk.create("/crud/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER));
            t.attempt("all children", () -> zk.getAllChildrenNumber("/crud"));
            t.attempt("ephemerals", () -> zk.getEphemerals("/crud"));
            t.attempt("system children", () -> zk.getChildren("/zookeeper", false).stream().sorted().toList());
            t.attempt("config", () -> zk.getData("/zookeeper/config", false, null));
            t.attempt("set config", () -> zk.setData("/zookeeper/config", "x".getBytes(), -1));
            t.attempt("create system", () -> zk.create("/zookeeper", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        });
    }

    @Test
    void multiResults() throws Exception {
        compare("/multi", (zk, other, t) -> {
            t.attempt("multi ok", () -> summarize(zk.multi(List.of(
                    Op.create("/multi/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.setData("/multi/a", "v".getBytes(), 0),
                    Op.check("/multi/a", 1),
                    Op.delete("/multi/a", 1))), t));
            try {
                zk.multi(List.of(Op.create("/multi/b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                        Op.check("/multi", 9), Op.delete("/multi/b", -1)));
                t.add("multi fail -> no error");
            } catch (KeeperException e) {
                t.add("multi fail -> " + e.code() + " " + summarize(e.getResults(), t));
            }
            t.attempt("b absent", () -> zk.exists("/multi/b", false) == null);
            t.attempt("stat", () -> zk.exists("/multi", false));
        });
    }

    private static String summarize(List<OpResult> results, Transcript t) {
        List<String> out = new ArrayList<>();
        for (OpResult r : results) {
            if (r instanceof OpResult.ErrorResult e) {
                out.add("err" + e.getErr());
            } else if (r instanceof OpResult.CreateResult c) {
                out.add("create " + c.getPath());
            } else if (r instanceof OpResult.SetDataResult s) {
                out.add("set " + t.stat(s.getStat()));
            } else {
                out.add(r.getClass().getSimpleName());
            }
        }
        return String.join(", ", out);
    }

    @Test
    void watchEventSequences() throws Exception {
        compare("/watch", (zk, other, t) -> {
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            Watcher w = events::add;
            zk.exists("/watch/a", w);
            zk.getChildren("/watch", w);
            zk.addWatch("/watch", w, AddWatchMode.PERSISTENT_RECURSIVE);
            other.create("/watch/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.getData("/watch/a", w, null);
            other.setData("/watch/a", "1".getBytes(), -1);
            other.create("/watch/a/b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            other.delete("/watch/a/b", -1);
            other.sync("/watch");
            zk.getData("/watch", false, null); // the reply is ordered after every event up to its zxid
            other.create("/watch/end", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            recordEventsThrough("/watch/end", events, t);
        });
    }

    /** Writes down events up to the end marker's: they come in zxid order, so it comes last. */
    private static void recordEventsThrough(String endPath, BlockingQueue<WatchedEvent> events, Transcript t)
            throws InterruptedException {
        while (true) {
            WatchedEvent e = events.poll(WAIT_S, TimeUnit.SECONDS);
            assertThat(e).as("event before the end marker").isNotNull();
            t.add(e.getType() + " " + e.getPath() + " zxid+" + t.rel(e.getZxid()));
            if (endPath.equals(e.getPath())) {
                return;
            }
        }
    }

    private static void multi(String label, ZooKeeper zk, List<Op> ops, Transcript t) {
        try {
            t.add(label + " -> " + summarize(zk.multi(ops), t));
        } catch (KeeperException e) {
            t.add(label + " -> " + e.code() + " " + summarize(e.getResults(), t));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.add(label + " -> interrupted");
        }
    }

    private static String acl(List<ACL> acl) {
        return acl.stream().map(a -> a.getPerms() + " " + a.getId().getScheme() + ":" + a.getId().getId()).toList().toString();
    }

    private static List<ACL> aclOf(int perms, String scheme, String id) {
        List<ACL> out = new ArrayList<>(); // the client asks the list whether it contains null: no List.of
        out.add(new ACL(perms, new Id(scheme, id)));
        return out;
    }

    @Test
    void aclsAndAuthentication() throws Exception {
        compare("/acl", (zk, other, t) -> {
            int all = ZooDefs.Perms.ALL;
            t.attempt("creator acl unauthenticated", () -> zk.create("/acl/c", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
            zk.addAuthInfo("digest", "alice:pw".getBytes());
            t.attempt("creator acl", () -> zk.create("/acl/c", "s".getBytes(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
            t.attempt("acl of c", () -> acl(zk.getACL("/acl/c", new Stat())));
            t.attempt("other reads c", () -> other.getData("/acl/c", false, null));
            t.attempt("other acl of c", () -> acl(other.getACL("/acl/c", new Stat())));
            t.attempt("other exists c", () -> other.exists("/acl/c", false));
            t.attempt("other children of c", () -> other.getChildren("/acl/c", false));
            t.attempt("world read-only", () -> zk.create("/acl/r", null, ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("other writes r", () -> other.setData("/acl/r", "x".getBytes(), -1));
            t.attempt("other creates under r", () -> other.create("/acl/r/x", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("other sets acl of r", () -> other.setACL("/acl/r", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1));
            t.attempt("ip acl", () -> zk.create("/acl/ip", null, aclOf(all, "ip", "127.0.0.1"), CreateMode.PERSISTENT));
            t.attempt("other reads ip", () -> other.getData("/acl/ip", false, null));
            t.attempt("ip range acl", () -> zk.create("/acl/ip8", null, aclOf(all, "ip", "127.0.0.0/8"), CreateMode.PERSISTENT));
            t.attempt("other reads ip range", () -> other.getData("/acl/ip8", false, null));
            t.attempt("foreign ip acl", () -> zk.create("/acl/ipx", null, aclOf(all, "ip", "10.1.2.3"), CreateMode.PERSISTENT));
            t.attempt("other reads foreign ip", () -> other.getData("/acl/ipx", false, null));
            t.attempt("bad ip acl", () -> zk.create("/acl/bad", null, aclOf(all, "ip", "not-an-ip"), CreateMode.PERSISTENT));
            t.attempt("bad digest acl", () -> zk.create("/acl/bad", null, aclOf(all, "digest", "nocolon"), CreateMode.PERSISTENT));
            t.attempt("unknown scheme acl", () -> zk.create("/acl/bad", null, aclOf(all, "foo", "bar"), CreateMode.PERSISTENT));
            t.attempt("empty acl", () -> zk.create("/acl/bad", null, new ArrayList<>(), CreateMode.PERSISTENT));
            t.attempt("digest acl for bob", () -> zk.create("/acl/bob", null,
                    aclOf(ZooDefs.Perms.READ, "digest", dev.cachai.zk.DigestAuth.idFor("bob:pw")), CreateMode.PERSISTENT));
            t.attempt("alice reads bob's", () -> zk.getData("/acl/bob", false, null));
            other.addAuthInfo("digest", "bob:pw".getBytes());
            t.attempt("bob reads bob's", () -> other.getData("/acl/bob", false, null));
            t.attempt("bob writes bob's", () -> other.setData("/acl/bob", "x".getBytes(), -1));
            t.attempt("whoAmI as bob", () -> whoAmI(other));
            other.addAuthInfo("digest", ZkTargets.SUPER_CREDENTIALS.getBytes());
            t.attempt("whoAmI as bob, then super", () -> whoAmI(other));
            t.attempt("super reads c", () -> other.getData("/acl/c", false, null));
            t.attempt("super setAcl bad version", () -> other.setACL("/acl/c", ZooDefs.Ids.OPEN_ACL_UNSAFE, 7));
            t.attempt("super setAcl", () -> other.setACL("/acl/c", ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
            t.attempt("acl of c now", () -> acl(zk.getACL("/acl/c", new Stat())));
            t.attempt("multi under read-only", () -> zk.multi(List.of(Op.create("/acl/r/y", null,
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))));
            t.attempt("other deletes c (needs DELETE on the parent only)", () -> { other.delete("/acl/c", -1); return "ok"; });
            for (String[] auth : new String[][] {{"digest", "nocolon"}, {"foo", "bar"}}) {
                try (ZooKeeper third = connect(current)) {
                    third.addAuthInfo(auth[0], auth[1].getBytes());
                    t.attempt("after auth " + auth[0] + " " + auth[1], () -> third.exists("/acl", false));
                }
            }
        });
    }

    /** whoAmI as "scheme:user" in the server's order. */
    private static List<String> whoAmI(ZooKeeper zk) throws Exception {
        return zk.whoAmI().stream().map(c -> c.getAuthScheme() + ":" + c.getUser()).toList();
    }

    @Test
    void kafkaControllerAndBrokerPatterns() throws Exception {
        compare("/kafka", (zk, other, t) -> {
            zk.create("/kafka/controller_epoch", "0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/kafka/brokers", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/kafka/brokers/ids", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            byte[] me = "{\"brokerid\":1}".getBytes();
            multi("elect", zk, List.of(Op.create("/kafka/controller", me, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    Op.setData("/kafka/controller_epoch", "1".getBytes(), 0)), t);
            multi("rival elect", other, List.of(Op.create("/kafka/controller", me, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    Op.setData("/kafka/controller_epoch", "2".getBytes(), 1)), t);
            multi("fenced write", zk, List.of(Op.check("/kafka/controller_epoch", 1),
                    Op.create("/kafka/brokers/topics", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)), t);
            multi("stale epoch write", other, List.of(Op.check("/kafka/controller_epoch", 0),
                    Op.setData("/kafka/brokers/topics", "x".getBytes(), -1)), t);
            multi("register broker", zk, List.of(
                    Op.create("/kafka/brokers/ids/1", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    Op.setData("/kafka/brokers/ids/1", me, 0)), t);
            t.attempt("broker epoch is czxid, owner is the session", () -> {
                Stat s = zk.exists("/kafka/brokers/ids/1", false);
                return t.stat(s) + " own=" + (s.getEphemeralOwner() == zk.getSessionId());
            });
            t.attempt("reregister", () -> zk.multi(List.of(
                    Op.create("/kafka/brokers/ids/1", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL),
                    Op.setData("/kafka/brokers/ids/1", me, 0))));
            List<String> callbacks = java.util.Collections.synchronizedList(new ArrayList<>());
            int rounds = 20;
            CountDownLatch done = new CountDownLatch(rounds * 4);
            for (int i = 0; i < rounds; i++) {
                String p = "/kafka/p" + i;
                zk.create(p, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> { callbacks.add("create " + rc + " " + name); done.countDown(); }, null);
                zk.setData(p, "v".getBytes(), i % 2 == 0 ? 0 : 5,
                        (rc, path, ctx, stat) -> { callbacks.add("set " + rc + " " + path); done.countDown(); }, null);
                zk.getData(p, false,
                        (rc, path, ctx, data, stat) -> { callbacks.add("get " + rc + " " + (stat == null ? -1 : stat.getVersion())); done.countDown(); }, null);
                zk.delete(p + "/none", -1, (rc, path, ctx) -> { callbacks.add("delete " + rc); done.countDown(); }, null);
            }
            assertThat(done.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
            t.add("callbacks " + callbacks);
        });
    }

    @Test
    void quotaNodesAreRealNodes() throws Exception {
        compare("/quota", (zk, other, t) -> {
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            zk.getChildren("/", events::add);
            t.attempt("root before", () -> rootShape(zk));
            int rootChildChanges = zk.exists("/", false).getCversion();
            t.attempt("create quota node", () -> zk.create("/zookeeper/quota/quota", "q".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("limits", () -> zk.create("/zookeeper/quota/quota/zookeeper_limits", "count=10,bytes=-1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("quota children", () -> zk.getChildren("/zookeeper/quota", false));
            t.attempt("quota stat", () -> {
                Stat s = zk.exists("/zookeeper/quota", false);
                return "v" + s.getVersion() + " cv" + s.getCversion() + " kids" + s.getNumChildren() + " czxid" + s.getCzxid();
            });
            t.attempt("system children", () -> zk.getChildren("/zookeeper", false).stream().sorted().toList());
            t.attempt("get limits", () -> zk.getData("/zookeeper/quota/quota/zookeeper_limits", false, null));
            t.attempt("set limits", () -> zk.setData("/zookeeper/quota/quota/zookeeper_limits", "count=5,bytes=-1".getBytes(), 0).getVersion());
            t.attempt("other system node", () -> zk.create("/zookeeper/other", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("under config", () -> zk.create("/zookeeper/config/x", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("delete quota with children", () -> { zk.delete("/zookeeper/quota/quota", -1); return "ok"; });
            t.attempt("delete limits", () -> { zk.delete("/zookeeper/quota/quota/zookeeper_limits", -1); return "ok"; });
            t.attempt("delete quota", () -> { zk.delete("/zookeeper/quota/quota", -1); return "ok"; });
            t.attempt("delete other", () -> { zk.delete("/zookeeper/other", -1); return "ok"; });
            t.attempt("root after", () -> rootShape(zk));
            t.attempt("root cversion change", () -> zk.exists("/", false).getCversion() - rootChildChanges);
            // The root's one-shot child watch must first fire for this marker, not for /zookeeper's storing.
            long marker = zk.create("/quota-end", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, new Stat(), -1)
                    .isEmpty() ? 0 : zk.exists("/quota-end", false).getCzxid();
            t.attempt("root watch", () -> {
                WatchedEvent e = events.poll(WAIT_S, TimeUnit.SECONDS);
                return e == null ? "none" : e.getType() + " " + e.getPath() + " for marker " + (e.getZxid() == marker);
            });
            zk.delete("/quota-end", -1);
        });
    }

    /**
     * The root and the built-in nodes take data like any node: data watches fire, the version
     * counts from where it was (shared servers: other tests may have set it), stale versions fail.
     */
    @Test
    void rootAndBuiltInNodesTakeData() throws Exception {
        compare("/special", (zk, other, t) -> {
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            for (String path : List.of("/", "/zookeeper", "/zookeeper/quota")) {
                Stat before = new Stat();
                byte[] old = zk.getData(path, events::add, before);
                t.add(path + " before: czxid " + t.rel(before.getCzxid()) + " ctime " + (before.getCtime() == 0)
                        + " eph " + before.getEphemeralOwner());
                t.attempt("set " + path, () -> {
                    Stat s = other.setData(path, ("data of " + path).getBytes(), before.getVersion());
                    return "v+" + (s.getVersion() - before.getVersion()) + " mzxid+" + t.rel(s.getMzxid())
                            + " czxid " + t.rel(s.getCzxid()) + " len" + s.getDataLength()
                            + " mtime later " + (s.getMtime() > before.getMtime());
                });
                t.attempt("get " + path, () -> zk.getData(path, false, null));
                t.attempt("stale set " + path, () -> other.setData(path, "x".getBytes(), before.getVersion()));
                t.attempt("event " + path, () -> {
                    WatchedEvent e = events.poll(WAIT_S, TimeUnit.SECONDS);
                    return e == null ? "none" : e.getType() + " " + e.getPath() + " zxid+" + t.rel(e.getZxid());
                });
                t.attempt("put back " + path, () -> other.setData(path, old, -1).getVersion() - before.getVersion());
                t.attempt("null data " + path, () -> {
                    other.setData(path, null, -1);
                    return "len" + zk.exists(path, false).getDataLength() + " " + (zk.getData(path, false, null) == null);
                });
                other.setData(path, old, -1);
            }
            t.attempt("root children", () -> zk.getChildren("/", false).contains(""));
        });
    }

    /** Watches, listings and ephemerals under /zookeeper, which a client may write below. */
    @Test
    void childrenOfTheBuiltInNodes() throws Exception {
        compare("/builtin", (zk, other, t) -> {
            BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
            Watcher w = events::add;
            zk.getChildren("/zookeeper", w);
            zk.exists("/zookeeper/x", w);
            zk.getData("/zookeeper", w, null);
            zk.addWatch("/zookeeper/quota", w, AddWatchMode.PERSISTENT_RECURSIVE);
            zk.exists("/builtin/end", w);
            t.attempt("create x", () -> other.create("/zookeeper/x", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("eph", () -> other.create("/zookeeper/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
            t.attempt("ephemerals", () -> other.getEphemerals("/zookeeper"));
            t.attempt("all children", () -> zk.getAllChildrenNumber("/zookeeper"));
            t.attempt("children", () -> zk.getChildren("/zookeeper", false).stream().sorted().toList());
            // Their mzxid and version come from earlier tests on the shared servers: left out.
            java.util.function.Function<Stat, String> shape = st -> "czxid " + st.getCzxid() + " pzxid+"
                    + t.rel(st.getPzxid()) + " cv" + st.getCversion() + " av" + st.getAversion() + " kids" + st.getNumChildren();
            t.attempt("system stat", () -> shape.apply(zk.exists("/zookeeper", false)));
            t.attempt("quota child", () -> other.create("/zookeeper/quota/q", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            t.attempt("set quota child", () -> t.stat(other.setData("/zookeeper/quota/q", "d".getBytes(), 0)));
            t.attempt("acl system", () -> shape.apply(other.setACL("/zookeeper", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1)));
            t.attempt("config acl", () -> zk.getACL("/zookeeper/config", new Stat()));
            t.attempt("config stat", () -> {
                Stat st = zk.exists("/zookeeper/config", false);
                return "czxid " + st.getCzxid() + " v" + st.getVersion() + " cv" + st.getCversion() + " av" + st.getAversion()
                        + " kids" + st.getNumChildren();
            });
            t.attempt("delete quota child", () -> { other.delete("/zookeeper/quota/q", -1); return "ok"; });
            t.attempt("delete x", () -> { other.delete("/zookeeper/x", -1); return "ok"; });
            t.attempt("delete e", () -> { other.delete("/zookeeper/e", -1); return "ok"; });
            t.attempt("quota stat", () -> shape.apply(zk.exists("/zookeeper/quota", false)));
            other.create("/builtin/end", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            recordEventsThrough("/builtin/end", events, t);
        });
    }

    /** The root's child count and how often its children changed, as the built-in nodes leave them. */
    private static String rootShape(ZooKeeper zk) throws Exception {
        Stat s = zk.exists("/", false);
        return "kids" + s.getNumChildren() + " all" + zk.getAllChildrenNumber("/");
    }
}
