package dev.cachai.compat.zk;

import dev.cachai.compat.RandomSequences;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
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
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random operation sequences, the same on Cachai and on a real ZooKeeper 3.9.5: creates of
 * every non-expiring mode, deletes and setData with right and wrong versions, reads, multi
 * transactions, read-only multis, syncs, ACLs (open, read-only, the creator's, another user's
 * digest, ip, and invalid ones of every kind), one-shot, persistent and recursive watches added and removed, by two sessions: the
 * first authenticated by digest, the second closed and reopened now and then (its ephemerals go).
 * Every answer (error codes, data, children, ACLs, Stat with zxids relative to the sequence's
 * start, which session owns an ephemeral) and every watch event, in order, must be the same.
 * Container and TTL nodes are left out: both servers remove them on timers of their own.
 */
class ZkRandomDifferentialTest extends BothTargets {
    private static final int OPS_PER_SEQUENCE = 300;
    private static final int WAIT_S = 10;
    private static final String[] NAMES = {"a", "b", "c"};
    private static final String[] KIDS = {"x", "y"};
    private static final int[] VERSIONS = {-1, 0, 1, 2};
    /** Session 0 is alice by digest; session 1 is nobody. */
    private static final String ALICE = "alice:secret";
    /**
     * The first four are valid for session 0 (session 1, not authenticated, cannot use the
     * creator's); the rest test how ACLs are checked: an ip ACL and a malformed one, an unknown
     * world id, a digest id without its hash, an unknown scheme, no permissions, and the x509
     * and sasl schemes of a server without them configured.
     */
    private static final List<List<ACL>> ACLS = List.of(ZooDefs.Ids.OPEN_ACL_UNSAFE, ZooDefs.Ids.READ_ACL_UNSAFE,
            ZooDefs.Ids.CREATOR_ALL_ACL, List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", bobDigest()))),
            List.of(new ACL(ZooDefs.Perms.ALL, new Id("ip", "127.0.0.1"))),
            List.of(new ACL(ZooDefs.Perms.ALL, new Id("ip", "1.2.3.4/40"))),
            List.of(new ACL(ZooDefs.Perms.ALL, new Id("world", "nobody"))),
            List.of(new ACL(ZooDefs.Perms.ALL, new Id("digest", "bob"))),
            List.of(new ACL(ZooDefs.Perms.ALL, new Id("foo", "bar"))),
            List.of(new ACL(0, ZooDefs.Ids.ANYONE_ID_UNSAFE)),
            List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", "CN=client"))),
            List.of(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "bob"))),
            List.of(ZooDefs.Ids.OPEN_ACL_UNSAFE.get(0), new ACL(ZooDefs.Perms.READ, new Id("ip", "10.0.0.0/8"))));
    /** Of {@link #ACLS}, the valid ones most sessions use. */
    private static final int COMMON_ACLS = 4;

    private static String bobDigest() {
        try {
            return DigestAuthenticationProvider.generateDigest("bob:pw");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
    private static final CreateMode[] MODES = {CreateMode.PERSISTENT, CreateMode.PERSISTENT, CreateMode.EPHEMERAL,
            CreateMode.PERSISTENT_SEQUENTIAL, CreateMode.EPHEMERAL_SEQUENTIAL};

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.cachai.compat.RandomSequences#seeds")
    void randomSequencesAnswerAsZooKeeper(long seed) throws Exception {
        String root = "/rnd" + seed;
        List<String> expected = new Sequence(real, root, seed).run();
        RandomSequences.assertSameTranscript(expected, new Sequence(cachai, root, seed).run(), seed);
    }

    /** One run of a seed's operations on one server, written down as a transcript. */
    private static final class Sequence {
        private final ZkTargets.Target target;
        private final String root;
        private final Random random;
        private final List<String> lines = new ArrayList<>();
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        private final Watcher[] watchers = {e -> heard(0, e), e -> heard(1, e)};
        private ZooKeeper first;
        private ZooKeeper second;
        private long baseline;

        Sequence(ZkTargets.Target target, String root, long seed) {
            this.target = target;
            this.root = root;
            this.random = new Random(seed);
        }

        List<String> run() throws Exception {
            first = ZkDifferentialTest.connect(target);
            first.addAuthInfo("digest", ALICE.getBytes(StandardCharsets.UTF_8));
            second = ZkDifferentialTest.connect(target);
            try {
                Stat rootStat = new Stat();
                first.create(root, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, rootStat);
                baseline = rootStat.getCzxid();
                for (int i = 0; i < OPS_PER_SEQUENCE; i++) {
                    step(i);
                }
                return lines;
            } finally {
                first.close();
                second.close();
            }
        }

        private void step(int i) throws Exception {
            int who = random.nextInt(2);
            ZooKeeper zk = who == 0 ? first : second;
            String label = i + " s" + who + " ";
            int kind = random.nextInt(100);
            if (kind < 22) {
                String path = path();
                CreateMode mode = MODES[random.nextInt(MODES.length)];
                byte[] data = data();
                int aclChoice = aclChoice();
                attempt(label + "create " + path + " " + mode + " acl" + aclChoice, () -> {
                    Stat stat = new Stat();
                    String created = zk.create(path, data, ACLS.get(aclChoice), mode, stat);
                    return created + " " + stat(stat);
                });
            } else if (kind < 34) {
                String path = path();
                int version = version();
                attempt(label + "delete " + path + " v" + version, () -> {
                    zk.delete(path, version);
                    return "ok";
                });
            } else if (kind < 48) {
                String path = path();
                int version = version();
                byte[] data = data();
                attempt(label + "setData " + path + " v" + version, () -> stat(zk.setData(path, data, version)));
            } else if (kind < 56) {
                String path = path();
                boolean watch = random.nextBoolean();
                attempt(label + "exists " + path + (watch ? " watch" : ""), () -> {
                    Stat stat = watch ? zk.exists(path, watcher(who)) : zk.exists(path, false);
                    return stat == null ? "none" : stat(stat);
                });
            } else if (kind < 64) {
                String path = path();
                boolean watch = random.nextBoolean();
                attempt(label + "getData " + path + (watch ? " watch" : ""), () -> {
                    Stat stat = new Stat();
                    byte[] data = watch ? zk.getData(path, watcher(who), stat) : zk.getData(path, false, stat);
                    return text(data) + " " + stat(stat);
                });
            } else if (kind < 73) {
                String path = random.nextInt(3) == 0 ? root : parentPath();
                boolean watch = random.nextBoolean();
                attempt(label + "getChildren " + path + (watch ? " watch" : ""), () -> {
                    Stat stat = new Stat();
                    List<String> kids = watch ? zk.getChildren(path, watcher(who), stat)
                            : zk.getChildren(path, false, stat);
                    return kids.stream().sorted().toList() + " " + stat(stat);
                });
            } else if (kind < 83) {
                List<Op> ops = multiOps();
                attempt(label + "multi " + describe(ops), () -> {
                    try {
                        return results(zk.multi(ops));
                    } catch (KeeperException e) {
                        return e.code() + " " + results(e.getResults());
                    }
                });
            } else if (kind < 87) {
                List<Op> ops = readOps();
                attempt(label + "multiRead " + describe(ops), () -> {
                    try {
                        return results(zk.multi(ops));
                    } catch (KeeperException e) {
                        return e.code() + " " + results(e.getResults());
                    }
                });
            } else if (kind < 91) {
                String path = path();
                int version = version();
                int aclChoice = aclChoice();
                attempt(label + "setACL " + path + " v" + version + " acl" + aclChoice,
                        () -> stat(zk.setACL(path, ACLS.get(aclChoice), version)));
            } else if (kind < 94) {
                String path = random.nextBoolean() ? root : parentPath();
                attempt(label + "counts " + path, () -> zk.getAllChildrenNumber(path) + " "
                        + zk.getEphemerals(path).stream().sorted().toList());
            } else if (kind < 95) {
                String path = random.nextBoolean() ? root : parentPath();
                AddWatchMode mode = random.nextBoolean() ? AddWatchMode.PERSISTENT : AddWatchMode.PERSISTENT_RECURSIVE;
                attempt(label + "addWatch " + path + " " + mode, () -> {
                    zk.addWatch(path, watcher(who), mode);
                    return "ok";
                });
            } else if (kind < 96) {
                String path = random.nextBoolean() ? root : parentPath();
                attempt(label + "removeAllWatches " + path, () -> {
                    zk.removeAllWatches(path, Watcher.WatcherType.Any, false);
                    return "ok";
                });
            } else if (kind < 97) {
                String path = random.nextBoolean() ? root : path();
                attempt(label + "sync " + path, () -> {
                    CompletableFuture<String> synced = new CompletableFuture<>();
                    zk.sync(path, (rc, p, ctx) -> synced.complete(KeeperException.Code.get(rc) + " " + p), null);
                    return synced.get(WAIT_S, TimeUnit.SECONDS);
                });
            } else if (kind < 98) {
                String path = path();
                attempt(label + "getACL " + path, () -> {
                    Stat stat = new Stat();
                    List<ACL> acl = zk.getACL(path, stat);
                    return acl + " " + stat(stat);
                });
            } else {
                // The second session ends (its ephemerals go, its watches with it) and a new one begins.
                attempt(label + "reopen second session", () -> {
                    second.close();
                    second = ZkDifferentialTest.connect(target);
                    return "ok";
                });
            }
            drainEvents();
        }

        /** What session {@code who}'s watches write down; one object per session, as a client keeps it. */
        private Watcher watcher(int who) {
            return watchers[who];
        }

        private void heard(int who, WatchedEvent e) {
            events.add("event s" + who + " " + e.getType() + " " + e.getPath());
        }

        /**
         * Writes down every watch event the operation caused. Both sessions' events precede the
         * answer to a later request on their connection, and the client hands events and callbacks
         * to its one event thread in order: once an asynchronous call's callback has run on each
         * session, every earlier event has been delivered.
         */
        private void drainEvents() throws Exception {
            for (ZooKeeper zk : List.of(first, second)) {
                CountDownLatch answered = new CountDownLatch(1);
                zk.exists("/", false, (AsyncCallback.StatCallback) (rc, path, ctx, stat) -> answered.countDown(), null);
                assertThat(answered.await(WAIT_S, TimeUnit.SECONDS)).as("barrier answered").isTrue();
            }
            List<String> heard = new ArrayList<>();
            events.drainTo(heard);
            // Both sessions' events for one change may come from either connection first.
            heard.stream().sorted().forEach(lines::add);
        }

        private void attempt(String label, ZkDifferentialTest.ThrowingSupplier<Object> op) {
            try {
                lines.add(label + " -> " + op.get());
            } catch (KeeperException e) {
                lines.add(label + " -> " + e.code());
            } catch (Exception e) {
                lines.add(label + " -> " + e.getClass().getSimpleName());
            }
        }

        private List<Op> multiOps() {
            int count = 1 + random.nextInt(4);
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String path = path();
                switch (random.nextInt(4)) {
                    case 0 -> ops.add(Op.create(path, data(), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            random.nextBoolean() ? CreateMode.PERSISTENT : CreateMode.PERSISTENT_SEQUENTIAL));
                    case 1 -> ops.add(Op.delete(path, version()));
                    case 2 -> ops.add(Op.setData(path, data(), version()));
                    default -> ops.add(Op.check(path, version()));
                }
            }
            return ops;
        }

        /** A read-only multi (multiRead): each op answers on its own, a failed one does not undo the others. */
        private List<Op> readOps() {
            int count = 1 + random.nextInt(3);
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String path = random.nextInt(4) == 0 ? root : path();
                ops.add(random.nextBoolean() ? Op.getData(path) : Op.getChildren(path));
            }
            return ops;
        }

        /**
         * Mostly open; sometimes read-only, the creator's (refused without auth), or a digest
         * nobody here holds; now and then one of the rest, most of them invalid.
         */
        private int aclChoice() {
            int r = random.nextInt(14);
            if (r < 8) {
                return 0;
            }
            return r < 11 ? r - 7 : COMMON_ACLS + random.nextInt(ACLS.size() - COMMON_ACLS);
        }

        private static String describe(List<Op> ops) {
            List<String> out = new ArrayList<>();
            for (Op op : ops) {
                out.add(op.getClass().getSimpleName() + " " + op.getPath());
            }
            return out.toString();
        }

        private String results(List<OpResult> results) {
            if (results == null) {
                return "[]";
            }
            List<String> out = new ArrayList<>();
            for (OpResult r : results) {
                if (r instanceof OpResult.CreateResult c) {
                    out.add("created " + c.getPath() + (c.getStat() != null ? " " + stat(c.getStat()) : ""));
                } else if (r instanceof OpResult.SetDataResult s) {
                    out.add("set " + stat(s.getStat()));
                } else if (r instanceof OpResult.GetDataResult g) {
                    out.add("data " + text(g.getData()) + " " + stat(g.getStat()));
                } else if (r instanceof OpResult.GetChildrenResult g) {
                    out.add("children " + g.getChildren().stream().sorted().toList());
                } else if (r instanceof OpResult.ErrorResult e) {
                    out.add("error " + KeeperException.Code.get(e.getErr()));
                } else {
                    out.add(r.getClass().getSimpleName());
                }
            }
            return out.toString();
        }

        /** A path under the root: a child (three in five) or a grandchild. */
        private String path() {
            String p = parentPath();
            return random.nextInt(5) < 3 ? p : p + "/" + KIDS[random.nextInt(KIDS.length)];
        }

        private String parentPath() {
            return root + "/" + NAMES[random.nextInt(NAMES.length)];
        }

        private int version() {
            return VERSIONS[random.nextInt(VERSIONS.length)];
        }

        private byte[] data() {
            return random.nextInt(5) == 0 ? null : ("d" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8);
        }

        private static String text(byte[] data) {
            return data == null ? "null" : new String(data, StandardCharsets.UTF_8);
        }

        private String stat(Stat s) {
            return "c+" + rel(s.getCzxid()) + " m+" + rel(s.getMzxid()) + " p+" + rel(s.getPzxid())
                    + " v" + s.getVersion() + " cv" + s.getCversion() + " av" + s.getAversion()
                    + " len" + s.getDataLength() + " kids" + s.getNumChildren() + owner(s.getEphemeralOwner());
        }

        private String owner(long sessionId) {
            if (sessionId == 0) {
                return "";
            }
            return sessionId == first.getSessionId() ? " eph:s0" : sessionId == second.getSessionId() ? " eph:s1" : " eph:?";
        }

        private long rel(long zxid) {
            return zxid <= 0 ? -1 : zxid - baseline;
        }
    }
}
