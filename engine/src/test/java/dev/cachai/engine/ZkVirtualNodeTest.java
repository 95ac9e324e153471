package dev.cachai.engine;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.engine.zk.ZkStat;
import dev.cachai.engine.zk.ZkTreeChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real nodes with virtual children (paths that exist only through etcd keys below them): a real
 * node's stored numChildren, cversion and pzxid follow what getChildren shows as virtual
 * children appear and vanish, and each revision reports the tree changes its key events hide.
 */
class ZkVirtualNodeTest {
    private static final long SESSION = 0x100000001L;
    private final Engine engine = new Engine();
    private final List<Change> changes = new ArrayList<>();
    private Path snapshotDir;

    ZkVirtualNodeTest() {
        engine.addListener(changes::add);
    }

    @AfterEach
    void removeSnapshot() throws IOException {
        if (snapshotDir != null) {
            try (var files = Files.walk(snapshotDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private ZkTxnResult zk(ZkOp op) {
        return (ZkTxnResult) engine.apply(1_000, ZkTxn.single(SESSION, ZkIdentity.ANONYMOUS, op));
    }

    private ZkTxnResult zkCreate(String path, NodeKind kind) {
        return zk(new ZkOp.Create(path, utf8("d"), Acl.OPEN_ACL_UNSAFE, kind, -1));
    }

    private void apply(Command c) {
        engine.apply(1_000, c);
    }

    private void put(String key) {
        apply(Put.of(utf8(key), utf8("v")));
    }

    private void delete(String key) {
        apply(DeleteRange.of(utf8(key)));
    }

    private ZkStat stat(String path) {
        return engine.zkNode(path).stat();
    }

    /** The children getChildren2 shows and the Stat's count agree. */
    private void assertChildren(String path, String... names) {
        assertThat(engine.zkChildren(path)).as("children of %s", path).containsExactly(names);
        assertThat(stat(path).numChildren()).as("numChildren of %s", path).isEqualTo(names.length);
    }

    private List<ZkTreeChange> lastTreeChanges() {
        return changes.get(changes.size() - 1).treeChanges();
    }

    private static ZkTreeChange tree(ZkTreeChange.Kind kind, String path, int eventIndex) {
        return new ZkTreeChange(kind, path, eventIndex);
    }

    @Test
    void aVirtualChildCountsWhileItsKeyLivesAndGoesWithIt() {
        zkCreate("/a", NodeKind.PERSISTENT);
        ZkStat created = stat("/a");
        put("/a/b/c");
        assertChildren("/a", "b");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.APPEARED, "/a/b", 0));
        ZkStat withChild = stat("/a");
        assertThat(withChild.pzxid()).isEqualTo(engine.revision());
        assertThat(withChild.cversion()).isEqualTo(created.cversion() + 1);

        delete("/a/b/c");
        assertChildren("/a");
        assertThat(engine.zkNode("/a/b")).isNull();
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.VANISHED, "/a/b", 0));
        assertThat(stat("/a").pzxid()).isEqualTo(engine.revision());
        assertThat(stat("/a").cversion()).isEqualTo(withChild.cversion() + 1);
        assertThat(zk(new ZkOp.Delete("/a", -1)).err()).isEqualTo(ZkCode.OK);
    }

    @Test
    void severalLevelsOfVirtualNodesAppearAndVanishTogether() {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/a/b/c/d/e");
        assertChildren("/a", "b");
        assertChildren("/a/b", "c");
        assertChildren("/a/b/c/d", "e");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.APPEARED, "/a/b/c/d", 0),
                tree(ZkTreeChange.Kind.APPEARED, "/a/b/c", 0), tree(ZkTreeChange.Kind.APPEARED, "/a/b", 0));
        put("/a/b/x");
        assertThat(lastTreeChanges()).isEmpty(); // /a/b was there already
        assertChildren("/a/b", "c", "x");
        delete("/a/b/c/d/e");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.VANISHED, "/a/b/c/d", 0),
                tree(ZkTreeChange.Kind.VANISHED, "/a/b/c", 0));
        assertChildren("/a", "b");
        delete("/a/b/x");
        assertChildren("/a");
        assertChildren("/", "a");
    }

    @Test
    void aDeleteRangeRemovesManyVirtualChildrenAtOnce() {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/a/b/x");
        put("/a/b/y");
        put("/a/c/z/w");
        put("/a/d");
        assertChildren("/a", "b", "c", "d");
        byte[] prefix = utf8("/a/");
        apply(new DeleteRange(prefix, Bytes.prefixEnd(prefix), false));
        assertChildren("/a");
        assertThat(changes.get(changes.size() - 1).revision()).isEqualTo(stat("/a").pzxid());
        put("/a/e/f");
        apply(new DeleteRange(utf8("/a/e"), utf8("/a/e0"), false)); // an etcd range with range_end
        assertChildren("/a");
    }

    @Test
    void aVirtualNodeGivenAKeyKeepsItsPlaceInItsParent() {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/a/b/c");
        ZkStat before = stat("/a");
        // ZooKeeper readers see /a/b, so a ZooKeeper create of it finds it there.
        assertThat(zkCreate("/a/b", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NODEEXISTS);
        put("/a/b");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.BECAME_REAL, "/a/b", 0));
        assertChildren("/a", "b");
        assertChildren("/a/b", "c");
        assertThat(stat("/a/b").czxid()).isEqualTo(engine.revision());
        assertThat(stat("/a").pzxid()).isEqualTo(before.pzxid());
        assertThat(stat("/a").cversion()).isEqualTo(before.cversion());
        delete("/a/b/c");
        assertChildren("/a/b");
        assertChildren("/a", "b");
        assertThat(zk(new ZkOp.Delete("/a/b", -1)).err()).isEqualTo(ZkCode.OK);
        assertChildren("/a");
    }

    @Test
    void aRealNodeDeletedUnderItsChildrenStaysAsAVirtualOne() {
        zkCreate("/a", NodeKind.PERSISTENT);
        zkCreate("/a/b", NodeKind.PERSISTENT);
        zkCreate("/a/b/c", NodeKind.PERSISTENT);
        ZkStat before = stat("/a");
        delete("/a/b");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.BECAME_VIRTUAL, "/a/b", 0));
        assertChildren("/a", "b");
        assertThat(stat("/a/b").czxid()).isZero();
        assertThat(stat("/a").pzxid()).isEqualTo(before.pzxid());
        assertThat(stat("/a").cversion()).isEqualTo(before.cversion());
        assertThat(zk(new ZkOp.Delete("/a/b/c", -1)).err()).isEqualTo(ZkCode.OK);
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.VANISHED, "/a/b", 0));
        assertChildren("/a");
    }

    @Test
    void aTxnOfSeveralOpsCountsEachVirtualChildOnce() {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/a/x");
        apply(new Txn(List.of(), List.of(
                new TxnOp.PutOp(Put.of(utf8("/a/b/c"), utf8("1"))),
                new TxnOp.PutOp(Put.of(utf8("/a/b/d"), utf8("2"))),
                new TxnOp.PutOp(Put.of(utf8("/a/e/f/g"), utf8("3"))),
                new TxnOp.DeleteOp(DeleteRange.of(utf8("/a/x")))), List.of()));
        assertChildren("/a", "b", "e");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.APPEARED, "/a/b", 0),
                tree(ZkTreeChange.Kind.APPEARED, "/a/e/f", 2), tree(ZkTreeChange.Kind.APPEARED, "/a/e", 2));
        apply(new Txn(List.of(), List.of(
                new TxnOp.DeleteOp(DeleteRange.of(utf8("/a/b/c"))),
                new TxnOp.DeleteOp(DeleteRange.of(utf8("/a/b/d"))),
                new TxnOp.PutOp(Put.of(utf8("/a/b"), utf8("now real")))), List.of()));
        assertChildren("/a", "b", "e");
        assertChildren("/a/b");
    }

    @Test
    void keysOfAnExpiredLeaseTakeTheirVirtualParentsWithThem() {
        zkCreate("/a", NodeKind.PERSISTENT);
        apply(new LeaseCommand.Grant(5, 30));
        apply(new Put(utf8("/a/b/c"), utf8("v"), 5, false, false, false));
        apply(new Put(utf8("/a/b/d"), utf8("v"), 5, false, false, false));
        assertChildren("/a", "b");
        apply(new LeaseCommand.Revoke(5));
        assertChildren("/a");
        assertThat(engine.zkNode("/a/b")).isNull();
    }

    @Test
    void aRestoredSnapshotKeepsTheCountsAndGoesOnKeepingThem() throws IOException {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/a/b/c");
        put("/a/d/e");
        snapshotDir = Files.createTempDirectory("snap");
        Path file = snapshotDir.resolve("s.snap");
        try (EngineSnapshot snap = engine.beginSnapshot(1)) {
            delete("/a/d/e"); // after the pinned revision: not in the snapshot
            snap.writeTo(file);
        }
        Engine copy = EngineSnapshot.restore(file, EngineLimits.DEFAULTS).engine();
        assertThat(copy.zkNode("/a").stat().numChildren()).isEqualTo(2);
        assertThat(copy.zkChildren("/a")).containsExactly("b", "d");
        copy.apply(1_000, DeleteRange.of(utf8("/a/b/c")));
        copy.apply(1_000, DeleteRange.of(utf8("/a/d/e")));
        assertThat(copy.zkNode("/a").stat().numChildren()).isZero();
        assertThat(copy.zkChildren("/a")).isEmpty();
        assertChildren("/a", "b");
    }

    @Test
    void zooKeeperDeleteSeesVirtualChildrenAsChildren() {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/a/b/c");
        assertThat(zk(new ZkOp.Delete("/a", -1)).err()).isEqualTo(ZkCode.NOTEMPTY);
        // A virtual node always has children: not empty either, as getChildren shows it.
        assertThat(zk(new ZkOp.Delete("/a/b", -1)).err()).isEqualTo(ZkCode.NOTEMPTY);
        assertThat(zk(new ZkOp.Delete("/a/b", 4)).err()).isEqualTo(ZkCode.BADVERSION);
        delete("/a/b/c");
        assertThat(zk(new ZkOp.Delete("/a/b", -1)).err()).isEqualTo(ZkCode.NONODE);
        assertThat(zk(new ZkOp.Delete("/a", -1)).err()).isEqualTo(ZkCode.OK);
    }

    @Test
    void siblingsThatSortInsideAChildsKeyRangeKeepAVirtualParentAlive() {
        // "/p/b-x" sorts between "/p/b" and "/p/b/c": /p exists through it, before and after /p/b.
        put("/p/b-x");
        assertChildren("/", "p");
        put("/p/b/c");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.APPEARED, "/p/b", 0));
        assertChildren("/", "p");
        assertChildren("/p", "b", "b-x");
        delete("/p/b/c");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.VANISHED, "/p/b", 0));
        assertChildren("/", "p");
        delete("/p/b-x");
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.VANISHED, "/p", 0));
        assertChildren("/");
    }

    @Test
    void setDataOnAVirtualNodeMakesItRealWithItsChildrenAndFiresADataChange() {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/a/v/w");
        int parentCversion = stat("/a").cversion();
        assertThat(zk(new ZkOp.SetData("/a/v", utf8("now real"), 1)).err()).isEqualTo(ZkCode.BADVERSION);
        ZkTxnResult r = zk(new ZkOp.SetData("/a/v", utf8("now real"), 0));
        assertThat(r.err()).isZero();
        assertThat(engine.zkNode("/a/v").data()).isEqualTo(utf8("now real"));
        assertThat(stat("/a/v").version()).isZero();
        assertThat(stat("/a/v").czxid()).isEqualTo(engine.revision());
        assertChildren("/a/v", "w");
        assertChildren("/a", "v");
        assertThat(stat("/a").cversion()).as("the parent's list did not change").isEqualTo(parentCversion);
        assertThat(lastTreeChanges()).containsExactly(tree(ZkTreeChange.Kind.BECAME_REAL, "/a/v", 0));
        assertThat(zk(new ZkOp.SetData("/a/v", utf8("again"), 0)).err()).isZero();
        assertThat(stat("/a/v").version()).isEqualTo(1);
    }

    @Test
    void setAclAndCheckOnAVirtualNode() {
        put("/p/q");
        assertThat(zk(new ZkOp.Check("/p", 0)).err()).isZero();
        assertThat(zk(new ZkOp.Check("/p", 1)).err()).isEqualTo(ZkCode.BADVERSION);
        List<Acl> readOnly = List.of(new Acl(Acl.READ | Acl.ADMIN, "world", "anyone"));
        assertThat(zk(new ZkOp.SetAcl("/p", readOnly, 0)).err()).isZero();
        assertThat(engine.zkNode("/p").acl()).isEqualTo(readOnly);
        assertThat(stat("/p").aversion()).isEqualTo(1);
        assertThat(engine.zkNode("/p").data()).isEmpty();
        assertChildren("/p", "q");
        assertThat(zk(new ZkOp.SetData("/p", utf8("x"), -1)).err()).as("no WRITE in the new ACL")
                .isEqualTo(ZkCode.NOAUTH);
        assertThat(zk(new ZkOp.SetData("/nowhere", utf8("x"), -1)).err()).isEqualTo(ZkCode.NONODE);
    }

    @Test
    void aContainerWhoseLastVirtualChildWentIsReaped() {
        zkCreate("/c", NodeKind.CONTAINER);
        put("/c/x/y");
        assertThat(engine.zkReapable(1_000, 10)).isEmpty();
        delete("/c/x/y");
        assertThat(engine.zkReapable(1_000, 10)).containsExactly("/c");
    }

    @Test
    void aFailedMultiTakesBackTheTreeChangesItMade() {
        zkCreate("/a", NodeKind.PERSISTENT);
        put("/v/w");
        int before = changes.size();
        ZkTxnResult r = (ZkTxnResult) engine.apply(1_000, new ZkTxn(SESSION, ZkIdentity.ANONYMOUS, List.of(
                new ZkOp.Delete("/v/w", -1), new ZkOp.Delete("/missing", -1)), true));
        assertThat(r.err()).isEqualTo(ZkCode.NONODE);
        assertThat(changes).hasSize(before);
        assertChildren("/", "a", "v");
        assertChildren("/v", "w");
    }
}
