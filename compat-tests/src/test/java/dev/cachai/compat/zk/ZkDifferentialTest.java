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
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZkDifferentialTest {
    private static final int WAIT_S = 10;
    private ZkTargets.Target cachai;
    private ZkTargets.Target real;

    @BeforeAll
    void startBoth() throws Exception {
        cachai = ZkTargets.cachai();
        real = ZkTargets.realZooKeeper();
    }

    @AfterAll
    void stopBoth() {
        cachai.close();
        real.close();
    }

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

        long rel(long zxid) {
            return zxid == 0 ? -1 : zxid - baseline;
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
        try (ZooKeeper zk = connect(target); ZooKeeper other = connect(target)) {
            Transcript t = new Transcript();
            t.baseline = zk.create(root, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, new Stat(), -1).isEmpty()
                    ? 0 : zk.exists(root, false).getCzxid();
            s.run(zk, other, t);
            return t.lines;
        }
    }

    private static ZooKeeper connect(ZkTargets.Target target) throws Exception {
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
            while (true) {
                WatchedEvent e = events.poll(WAIT_S, TimeUnit.SECONDS);
                assertThat(e).as("event before the end marker").isNotNull();
                t.add(e.getType() + " " + e.getPath() + " zxid+" + t.rel(e.getZxid()));
                if ("/watch/end".equals(e.getPath())) {
                    break;
                }
            }
        });
    }
}
