package dev.cachai.engine;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.CommandCodec;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.engine.zk.ZkQuota;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Random command sequences: apply is deterministic, the codec is lossless, and snapshots restore exactly. */
class DeterminismPropertiesTest {
    private final List<Path> tempDirs = new ArrayList<>();

    @AfterTry
    void cleanUp() throws IOException {
        for (Path d : tempDirs) {
            try (Stream<Path> files = Files.walk(d)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        tempDirs.clear();
    }

    @Property(tries = 60)
    void twoEnginesGiveTheSameStateAndEvents(@ForAll("commands") List<Command> commands) {
        Engine a = new Engine();
        Engine b = new Engine();
        List<String> eventsA = new ArrayList<>();
        List<String> eventsB = new ArrayList<>();
        a.addListener(c -> eventsA.add(describe(c)));
        b.addListener(c -> eventsB.add(describe(c)));
        long t = 1_000;
        for (Command c : commands) {
            String ra = String.valueOf(a.apply(t, c));
            String rb = String.valueOf(b.apply(t, c));
            assertThat(ra.replaceAll("@[0-9a-f]+", "")).isEqualTo(rb.replaceAll("@[0-9a-f]+", ""));
            t += 7;
        }
        assertThat(a.stateHash()).isEqualTo(b.stateHash());
        assertThat(eventsA).isEqualTo(eventsB);
    }

    @Property(tries = 60)
    void codecRoundTripsEveryCommand(@ForAll("commands") List<Command> commands) {
        Engine direct = new Engine();
        Engine decoded = new Engine();
        long t = 5;
        for (Command c : commands) {
            direct.apply(t, c);
            CommandCodec.Stamped s = CommandCodec.decode(CommandCodec.encode(t, c));
            assertThat(s.timeMs()).isEqualTo(t);
            decoded.apply(s.timeMs(), s.command());
            t++;
        }
        assertThat(decoded.stateHash()).isEqualTo(direct.stateHash());
    }

    @Property(tries = 25)
    void snapshotRestoreThenContinueEqualsContinue(@ForAll("commands") List<Command> first,
                                                   @ForAll("commands") List<Command> second) throws IOException {
        assertRestoreThenContinueEqualsContinue(first, second);
    }

    @Property(tries = 25)
    void snapshotRestoreKeepsQuotasAndSessionOwners(@ForAll("commandsUnderQuotas") List<Command> first,
                                                    @ForAll("commands") List<Command> second) throws IOException {
        assertRestoreThenContinueEqualsContinue(first, second);
    }

    /** Found by the property: a recreated key's meta, stored while the snapshot was pinned, then leased by etcd. */
    @Example
    void aMetaStoredWhileASnapshotIsPinnedEqualsTheDerivedOne() throws IOException {
        assertRestoreThenContinueEqualsContinue(List.of(Put.of(Bytes.utf8("/a"), Bytes.EMPTY)), List.of(
                Put.of(Bytes.utf8("/a/b"), Bytes.EMPTY),
                new DeleteRange(Bytes.utf8("/a"), Bytes.EMPTY, true),
                new DeleteRange(Bytes.utf8("/a/"), Bytes.utf8("/a0"), false),
                Put.of(Bytes.utf8("/a"), Bytes.EMPTY),
                new LeaseCommand.Grant(11, 30),
                new Put(Bytes.utf8("/a"), Bytes.EMPTY, 11, true, false, false)));
    }

    private void assertRestoreThenContinueEqualsContinue(List<Command> first, List<Command> second) throws IOException {
        Engine original = new Engine();
        first.forEach(c -> original.apply(10, c));
        Path dir = Files.createTempDirectory("snap");
        tempDirs.add(dir);
        Path file = dir.resolve("s.snap");
        try (EngineSnapshot snap = original.beginSnapshot(first.size())) {
            second.forEach(c -> original.apply(20, c));
            snap.writeTo(file);
        }
        EngineSnapshot.Restored restored = EngineSnapshot.restore(file, EngineLimits.DEFAULTS);
        assertThat(restored.appliedIndex()).isEqualTo(first.size());
        Engine copy = restored.engine();
        second.forEach(c -> copy.apply(20, c));
        assertThat(copy.stateHash()).isEqualTo(original.stateHash());
        assertThat(copy.revision()).isEqualTo(original.revision());
        assertThat(reapIndexKeys(copy)).isEqualTo(reapIndexKeys(original));
        for (String quota : List.of("/a", "/a/b")) {
            assertThat(copy.zkQuotaUsage(quota)).as(quota).isEqualTo(original.zkQuotaUsage(quota));
        }
    }

    @Property(tries = 100)
    void quotaUsageIsARecountOfTheKeyspace(@ForAll("commandsUnderQuotas") List<Command> commands) {
        Engine engine = new Engine();
        commands.forEach(c -> engine.apply(10, c));
        for (String quota : List.of("/a", "/a/b")) {
            assertThat(engine.zkQuotaUsage(quota)).as(quota).isEqualTo(recount(engine, quota));
        }
    }

    /** The usage ZooKeeper's stats node shows, counted the slow way: null unless limit and stats nodes live. */
    private static ZkQuota.Usage recount(Engine engine, String quota) {
        java.util.function.Predicate<String> lives = p -> engine.keyspace().get(Bytes.utf8(p), engine.revision()) != null;
        if (!lives.test(ZkQuota.limitPath(quota)) || !lives.test(ZkQuota.statsPath(quota))) {
            return null;
        }
        List<String> nested = List.of("/a/b").stream()
                .filter(q -> !q.equals(quota) && q.startsWith(quota + "/") && lives.test(ZkQuota.limitPath(q))).toList();
        long[] usage = new long[2];
        engine.keyspace().forEachEntry(e -> {
            String path = Bytes.string(e.head().key());
            boolean under = path.equals(quota) || path.startsWith(quota + "/");
            boolean elsewhere = nested.stream().anyMatch(q -> path.equals(q) || path.startsWith(q + "/"));
            if (!e.head().isTombstone() && dev.cachai.engine.zk.ZkPaths.isNodeKey(e.head().key()) && under && !elsewhere) {
                usage[0]++;
                usage[1] += e.head().value().length;
            }
        });
        return new ZkQuota.Usage(usage[0], usage[1]);
    }

    @Property(tries = 60)
    void reapIndexHoldsExactlyTheLiveContainersAndTtlNodes(@ForAll("commands") List<Command> commands) {
        Engine engine = new Engine();
        commands.forEach(c -> engine.apply(10, c));
        List<String> scanned = new ArrayList<>();
        engine.keyspace().forEachEntry(e -> {
            if (!e.head().isTombstone() && e.meta() != null && e.meta().mayNeedReaping()) {
                scanned.add(Bytes.string(e.head().key()));
            }
        });
        assertThat(reapIndexKeys(engine)).isEqualTo(scanned);
    }

    @Property(tries = 60)
    void pointLookupsFindExactlyWhatTheOrderedKeyspaceHolds(@ForAll("commands") List<Command> commands) {
        Engine engine = new Engine();
        java.util.Set<String> everWritten = new java.util.TreeSet<>();
        engine.addListener(c -> c.events().forEach(e -> everWritten.add(Bytes.string(e.kv().key()))));
        commands.forEach(c -> engine.apply(10, c));
        var keyspace = engine.keyspace();
        keyspace.forEachEntry(e -> assertThat(keyspace.entry(e.head().key())).isSameAs(e));
        for (String key : everWritten) {
            byte[] k = Bytes.utf8(key);
            boolean ordered = java.util.Arrays.equals(keyspace.ceilingKey(k), k);
            assertThat(keyspace.entry(k) != null).as(key).isEqualTo(ordered);
        }
    }

    /**
     * Whether the engine searches for virtual nodes or not, the ZooKeeper view it gives is the
     * brute-force one: a path is a node if its key lives or some node key below it does, its
     * children are the first segments below it, and every node's numChildren (a real node's
     * stored one too) is their number. Each revision's events and tree changes lead from the tree
     * before to the tree after, and the real nodes whose children they change are exactly those
     * whose pzxid moves. Checked after every command, also after a snapshot restore.
     */
    @Property(tries = 150)
    void theTreeViewIsTheBruteForceOneWithOrWithoutVirtualNodes(@ForAll("commands") List<Command> commands)
            throws IOException {
        Engine engine = new Engine();
        applyCheckingTheTree(engine, commands, 10);
        Path dir = Files.createTempDirectory("snap");
        tempDirs.add(dir);
        Path file = dir.resolve("s.snap");
        try (EngineSnapshot snap = engine.beginSnapshot(1)) {
            snap.writeTo(file);
        }
        Engine copy = EngineSnapshot.restore(file, EngineLimits.DEFAULTS).engine();
        BruteForceTree.of(copy).assertEngineShowsIt(copy, TREE_PROBES);
        applyCheckingTheTree(copy, commands, 20);
    }

    private static final List<String> TREE_PROBES = List.of("/a", "/a/b", "/a/c", "/z", "/a/b/d", "/a/s-", "/q",
            "/q/r", "/a/b/d/e", "/nope");

    private static void applyCheckingTheTree(Engine engine, List<Command> commands, long timeMs) {
        List<Change> changes = new ArrayList<>();
        engine.addListener(changes::add);
        BruteForceTree before = BruteForceTree.of(engine);
        for (Command c : commands) {
            engine.apply(timeMs, c);
            BruteForceTree after = BruteForceTree.of(engine);
            after.assertEngineShowsIt(engine, TREE_PROBES);
            assertThat(changes.size()).as("changes of one command").isLessThanOrEqualTo(1);
            after.assertChangeLeadsFrom(before, changes.isEmpty() ? null : changes.get(0), engine.revision());
            changes.clear();
            before = after;
        }
    }

    private static List<String> reapIndexKeys(Engine engine) {
        List<String> keys = new ArrayList<>();
        engine.keyspace().reapCandidates().forEach(e -> keys.add(Bytes.string(e.head().key())));
        return keys;
    }

    private static String describe(Change c) {
        StringBuilder sb = new StringBuilder().append(c.revision());
        c.events().forEach(e -> sb.append(' ').append(e.type()).append(' ').append(e.kv()).append(' ').append(e.prevKv()));
        c.treeChanges().forEach(t -> sb.append(' ').append(t));
        return sb.toString();
    }

    @Provide
    Arbitrary<List<Command>> commands() {
        return command().list().ofMinSize(1).ofMaxSize(40);
    }

    private static final String[] KEYS = {"/a", "/a/b", "/a/c", "/z", "k1", "k2", "/a/b/d", "/a/b/d/e", "/q/r/s", "/a/b-"};

    private Arbitrary<byte[]> key() {
        return Arbitraries.of(KEYS).map(Bytes::utf8);
    }

    private Arbitrary<String> path() {
        return Arbitraries.of("/a", "/a/b", "/a/c", "/z", "/a/b/d", "/a/s-", "/a/b/d/e", "/q", "/q/r");
    }

    private Arbitrary<Command> command() {
        Arbitrary<byte[]> value = Arbitraries.strings().alpha().ofMaxLength(6).map(Bytes::utf8);
        Arbitrary<Command> put = Combinators.combine(key(), value, Arbitraries.of(0L, 0L, 11L))
                .as((k, v, l) -> new Put(k, v, l, true, false, false));
        Arbitrary<Command> del = key().map(k -> new DeleteRange(k, Bytes.EMPTY, true));
        Arbitrary<Command> delPrefix = Arbitraries.of("/a/", "/a/b", "/q", "/").map(Bytes::utf8)
                .map(p -> new DeleteRange(p, Bytes.prefixEnd(p), false));
        Arbitrary<Command> txn = Combinators.combine(key(), value, Arbitraries.longs().between(0, 3))
                .as((k, v, ver) -> new Txn(List.of(Compare.version(k, Compare.Result.EQUAL, ver)),
                        List.of(new TxnOp.PutOp(Put.of(k, v))), List.of(new TxnOp.RangeOp(RangeRequest.key(k)))));
        Arbitrary<Command> compact = Arbitraries.longs().between(1, 30).map(Compact::new);
        Arbitrary<Command> lease = Arbitraries.of(new LeaseCommand.Grant(11, 30), new LeaseCommand.Revoke(11),
                new LeaseCommand.SessionCreate(77, 4000, new byte[16], false), new LeaseCommand.SessionClose(77, true));
        Arbitrary<Command> zkCreate = Combinators.combine(path(), value,
                        Arbitraries.of(NodeKind.PERSISTENT, NodeKind.EPHEMERAL, NodeKind.PERSISTENT_SEQUENTIAL, NodeKind.CONTAINER,
                                NodeKind.PERSISTENT_WITH_TTL), origin(), Arbitraries.of(false, true))
                .as((p, v, k, o, enforce) -> new ZkTxn(77, ZkIdentity.ANONYMOUS,
                        List.of(new ZkOp.Create(p, v, Acl.OPEN_ACL_UNSAFE, k, k.isTtl() ? 1_000 : -1)), false, o, enforce));
        Arbitrary<Command> zkDelete = path().map(p -> ZkTxn.single(77, ZkIdentity.ANONYMOUS, new ZkOp.Delete(p, -1)));
        Arbitrary<Command> zkSet = Combinators.combine(path(), value, origin(), Arbitraries.of(false, true))
                .as((p, v, o, enforce) -> new ZkTxn(77, ZkIdentity.ANONYMOUS, List.of(new ZkOp.SetData(p, v, -1)), false,
                        o, enforce));
        Arbitrary<Command> owner = origin().map(o -> new LeaseCommand.SessionOwner(77, o));
        Arbitrary<Command> zkMulti = Combinators.combine(path(), path())
                .as((p1, p2) -> new ZkTxn(77, ZkIdentity.ANONYMOUS, List.of(
                        new ZkOp.Create(p1, null, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, -1),
                        new ZkOp.Delete(p2, -1)), true));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, put), net.jqwik.api.Tuple.of(2, del), net.jqwik.api.Tuple.of(1, delPrefix),
                net.jqwik.api.Tuple.of(2, txn), net.jqwik.api.Tuple.of(1, compact), net.jqwik.api.Tuple.of(2, lease),
                net.jqwik.api.Tuple.of(4, zkCreate), net.jqwik.api.Tuple.of(2, zkDelete), net.jqwik.api.Tuple.of(2, zkSet),
                net.jqwik.api.Tuple.of(2, zkMulti), net.jqwik.api.Tuple.of(3, quotaChange()),
                net.jqwik.api.Tuple.of(1, owner));
    }

    /** Random commands after quotas on /a (and often /a/b) and a session were set up. */
    @Provide
    Arbitrary<List<Command>> commandsUnderQuotas() {
        Arbitrary<List<Command>> setup = Combinators.combine(limits(), limits(), Arbitraries.of(false, true))
                .as((onA, onB, nested) -> {
                    List<Command> out = new ArrayList<>(List.of(new LeaseCommand.SessionCreate(77, 4000, new byte[16], false),
                            new ZkTxn(77, ZkIdentity.ANONYMOUS, List.of(zkCreate("/zookeeper", null),
                                    zkCreate("/zookeeper/quota", null)), true), setQuota("/a", onA)));
                    if (nested) {
                        out.add(setQuota("/a/b", onB));
                    }
                    return out;
                });
        return Combinators.combine(setup, commands()).as((a, b) -> {
            List<Command> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        });
    }

    private static Arbitrary<String> limits() {
        return Arbitraries.of("count=3,bytes=-1", "count=-1,bytes=-1=;byteHardLimit=8;countHardLimit=4",
                "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2", "x");
    }

    private static Command setQuota(String path, String limits) {
        return new ZkTxn(77, ZkIdentity.ANONYMOUS, List.of(zkCreate("/zookeeper/quota" + path, null),
                zkCreate(ZkQuota.limitPath(path), limits), zkCreate(ZkQuota.statsPath(path), "count=0,bytes=0")), true);
    }

    private static Arbitrary<Integer> origin() {
        return Arbitraries.of(0, 1, 2);
    }

    /** Quotas on /a and /a/b as ZooKeeper's setquota lays them out, and their nodes deleted one by one. */
    private static Arbitrary<Command> quotaChange() {
        Arbitrary<Command> base = Arbitraries.just(new ZkTxn(77, ZkIdentity.ANONYMOUS, List.of(
                zkCreate("/zookeeper", null), zkCreate("/zookeeper/quota", null)), true));
        Arbitrary<Command> quota = Combinators.combine(Arbitraries.of("/a", "/a/b"), limits())
                .as(DeterminismPropertiesTest::setQuota);
        Arbitrary<Command> remove = Arbitraries.of(ZkQuota.limitPath("/a"), ZkQuota.statsPath("/a"),
                        ZkQuota.limitPath("/a/b"), ZkQuota.statsPath("/a/b"))
                .map(p -> ZkTxn.single(77, ZkIdentity.ANONYMOUS, new ZkOp.Delete(p, -1)));
        return Arbitraries.oneOf(base, quota, remove);
    }

    private static ZkOp zkCreate(String path, String data) {
        return new ZkOp.Create(path, data == null ? null : Bytes.utf8(data), Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, -1);
    }
}
