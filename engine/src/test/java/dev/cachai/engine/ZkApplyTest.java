package dev.cachai.engine;

import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkReap;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.result.SessionResult;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.ZkId;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkStat;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class ZkApplyTest {
    private static final long SESSION = 0x100000001L;
    private final Engine engine = new Engine();
    private long now = 1_000;

    private ZkTxnResult write(ZkOp op) {
        return write(ZkIdentity.ANONYMOUS, op);
    }

    private ZkTxnResult write(ZkIdentity id, ZkOp op) {
        return (ZkTxnResult) engine.apply(now, ZkTxn.single(SESSION, id, op));
    }

    private ZkTxnResult create(String path, String data, NodeKind kind) {
        return write(new ZkOp.Create(path, data == null ? null : utf8(data), Acl.OPEN_ACL_UNSAFE, kind, kind.isTtl() ? 100 : -1));
    }

    private ZkTxnResult multi(ZkOp... ops) {
        return (ZkTxnResult) engine.apply(now, new ZkTxn(SESSION, ZkIdentity.ANONYMOUS, List.of(ops), true));
    }

    @Test
    void onlyNodesUnlikeTheDefaultStoreTheirMeta() {
        create("/plain", "x", NodeKind.PERSISTENT);
        create("/box", "x", NodeKind.CONTAINER);
        write(new ZkOp.Create("/net", null, List.of(new Acl(Acl.ALL, "ip", "10.1.0.0/16")), NodeKind.PERSISTENT, -1));
        assertThat(engine.keyspace().entry(utf8("/plain")).meta()).as("a plain world-open node's meta is derived").isNull();
        assertThat(engine.keyspace().entry(utf8("/box")).meta()).isNotNull();
        assertThat(engine.keyspace().entry(utf8("/net")).meta()).isNotNull();
        assertThat(engine.zkNode("/plain").acl()).isEqualTo(Acl.OPEN_ACL_UNSAFE);
        assertThat(engine.zkNode("/net").acl()).containsExactly(new Acl(Acl.ALL, "ip", "10.1.0.0/16"));
    }

    @Test
    void createGivesZooKeeperStatFields() {
        now = 5_000;
        ZkTxnResult r = create("/a", "hello", NodeKind.PERSISTENT);
        assertThat(r.err()).isZero();
        ZkStat s = r.results().get(0).stat();
        assertThat(s.czxid()).isEqualTo(2);
        assertThat(s.mzxid()).isEqualTo(2);
        assertThat(s.pzxid()).isEqualTo(2);
        assertThat(s.ctime()).isEqualTo(5_000);
        assertThat(s.version()).isZero();
        assertThat(s.dataLength()).isEqualTo(5);
        assertThat(engine.zkNode("/a").stat()).isEqualTo(s);
        now = 6_000;
        write(new ZkOp.SetData("/a", utf8("hi"), 0));
        ZkStat after = engine.zkNode("/a").stat();
        assertThat(after.version()).isEqualTo(1);
        assertThat(after.mzxid()).isEqualTo(3);
        assertThat(after.mtime()).isEqualTo(6_000);
        assertThat(after.ctime()).isEqualTo(5_000);
    }

    @Test
    void nullDataDiffersFromEmptyData() {
        create("/n", null, NodeKind.PERSISTENT);
        create("/e", "", NodeKind.PERSISTENT);
        assertThat(engine.zkNode("/n").data()).isNull();
        assertThat(engine.zkNode("/e").data()).isEmpty();
    }

    @Test
    void parentCversionAndPzxidMoveOnChildCreateAndDelete() {
        create("/p", "", NodeKind.PERSISTENT);
        create("/p/c", "", NodeKind.PERSISTENT);
        ZkStat p = engine.zkNode("/p").stat();
        assertThat(p.cversion()).isEqualTo(1);
        assertThat(p.numChildren()).isEqualTo(1);
        assertThat(p.pzxid()).isEqualTo(3);
        assertThat(p.mzxid()).isEqualTo(2);
        write(new ZkOp.SetData("/p/c", utf8("x"), -1));
        assertThat(engine.zkNode("/p").stat().cversion()).isEqualTo(1);
        write(new ZkOp.Delete("/p/c", -1));
        ZkStat after = engine.zkNode("/p").stat();
        assertThat(after.cversion()).isEqualTo(2);
        assertThat(after.numChildren()).isZero();
        assertThat(after.pzxid()).isEqualTo(5);
        assertThat(engine.zkNode("/").stat().numChildren()).isEqualTo(1);
    }

    /**
     * ZooKeeper has /zookeeper and /zookeeper/quota from zxid 0; the adapter stores them with the
     * first write below them. That changes no children: the parents' pzxid stays and theirs is 0,
     * until a client's own child moves it.
     */
    @Test
    void storingTheNodesZooKeeperHasFromItsStartChangesNoPzxid() {
        create("/a", "", NodeKind.PERSISTENT);
        long rootPzxid = engine.zkNode("/").stat().pzxid();
        multi(plain("/zookeeper"), plain("/zookeeper/quota"), plain("/zookeeper/quota/q"));
        long stored = engine.revision();
        assertThat(engine.zkNode("/").stat().pzxid()).isEqualTo(rootPzxid);
        assertThat(engine.zkNode("/").stat().numChildren()).as("counted, as every stored child").isEqualTo(2);
        assertThat(engine.zkNode("/zookeeper").stat().pzxid()).isZero();
        assertThat(engine.zkNode("/zookeeper/quota").stat().pzxid()).as("q is a client's child").isEqualTo(stored);
        create("/zookeeper/other", "", NodeKind.PERSISTENT);
        assertThat(engine.zkNode("/zookeeper").stat().pzxid()).isEqualTo(engine.revision());
        assertThat(engine.zkNode("/").stat().pzxid()).isEqualTo(rootPzxid);
    }

    private static ZkOp plain(String path) {
        return new ZkOp.Create(path, null, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, -1);
    }

    @Test
    void sequentialSuffixIsParentCversion() {
        create("/q", "", NodeKind.PERSISTENT);
        assertThat(create("/q/n-", "", NodeKind.PERSISTENT_SEQUENTIAL).results().get(0).path()).isEqualTo("/q/n-0000000000");
        create("/q/other", "", NodeKind.PERSISTENT);
        assertThat(create("/q/n-", "", NodeKind.PERSISTENT_SEQUENTIAL).results().get(0).path()).isEqualTo("/q/n-0000000002");
        assertThat(create("/q/", "", NodeKind.PERSISTENT_SEQUENTIAL).results().get(0).path()).isEqualTo("/q/0000000003");
        assertThat(engine.zkChildren("/q")).containsExactly("0000000003", "n-0000000000", "n-0000000002", "other");
    }

    @Test
    void sequentialNamesCountCreatesWhileStatCversionCountsDeletesToo() {
        create("/queue", "", NodeKind.PERSISTENT);
        for (int i = 0; i < 5; i++) {
            create("/queue/item-", "", NodeKind.PERSISTENT_SEQUENTIAL);
        }
        write(new ZkOp.Delete("/queue/item-0000000000", -1));
        write(new ZkOp.Delete("/queue/item-0000000001", -1));
        assertThat(engine.zkNode("/queue").stat().cversion()).isEqualTo(7);
        assertThat(create("/queue/item-", "", NodeKind.PERSISTENT_SEQUENTIAL).results().get(0).path())
                .isEqualTo("/queue/item-0000000005");
    }

    @Test
    void errorsInZooKeeperOrder() {
        assertThat(create("/x/y", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NONODE);
        create("/x", "", NodeKind.PERSISTENT);
        assertThat(create("/x", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NODEEXISTS);
        assertThat(create("bad", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.BADARGUMENTS);
        assertThat(create("/x/", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.BADARGUMENTS);
        assertThat(write(new ZkOp.SetData("/x", utf8("d"), 7)).err()).isEqualTo(ZkCode.BADVERSION);
        assertThat(write(new ZkOp.SetData("/nope", utf8("d"), -1)).err()).isEqualTo(ZkCode.NONODE);
        create("/x/child", "", NodeKind.PERSISTENT);
        assertThat(write(new ZkOp.Delete("/x", -1)).err()).isEqualTo(ZkCode.NOTEMPTY);
        assertThat(write(new ZkOp.Delete("/x/child", 3)).err()).isEqualTo(ZkCode.BADVERSION);
        assertThat(write(new ZkOp.Create("/x/e", null, List.of(), NodeKind.PERSISTENT, -1)).err())
                .isEqualTo(ZkCode.INVALIDACL);
        assertThat(create("/t", "", NodeKind.PERSISTENT_WITH_TTL).err()).isZero();
        assertThat(write(new ZkOp.Create("/t2", null, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT_WITH_TTL, 0)).err())
                .isEqualTo(ZkCode.BADARGUMENTS);
    }

    @Test
    void pathsAreCheckedWholeOnlyOnceTheParentIsFound() {
        create("/x", "", NodeKind.PERSISTENT);
        // ZooKeeper looks up the parent first: "/x/" (non-empty) has none, nor has "/x//y".
        assertThat(create("/x//y", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NONODE);
        assertThat(create("/x/./y", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NONODE);
        assertThat(create("/x/a\u0000", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.BADARGUMENTS);
        assertThat(create("/", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NODEEXISTS);
        assertThat(create("/", "", NodeKind.PERSISTENT_SEQUENTIAL).results().get(0).path()).isEqualTo("/0000000001");
        // A delete's path is never checked whole: a path no node can have is not found.
        assertThat(write(new ZkOp.Delete("/x/", -1)).err()).isEqualTo(ZkCode.NONODE);
        assertThat(write(new ZkOp.Delete("x", -1)).err()).isEqualTo(ZkCode.BADARGUMENTS);
    }

    @Test
    void theRootTakesAnAcl() {
        List<Acl> readOnly = List.of(new Acl(Acl.READ, "world", "anyone"));
        ZkTxnResult set = write(new ZkOp.SetAcl("/", readOnly, 0));
        assertThat(set.err()).isZero();
        assertThat(engine.zkNode("/").acl()).isEqualTo(readOnly);
        assertThat(engine.zkNode("/").stat().aversion()).isEqualTo(1);
        assertThat(create("/a", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NOAUTH);
        assertThat(write(new ZkOp.SetAcl("/", Acl.OPEN_ACL_UNSAFE, 1)).err()).as("ADMIN is gone").isEqualTo(ZkCode.NOAUTH);
    }

    @Test
    void theRootTakesData() {
        create("/a", "", NodeKind.PERSISTENT);
        ZkTxnResult set = write(new ZkOp.SetData("/", "r".getBytes(), 0));
        assertThat(set.err()).isZero();
        assertThat(set.results().get(0).stat().version()).as("ZooKeeper's root starts at version 0").isEqualTo(1);
        assertThat(engine.zkNode("/").data()).isEqualTo("r".getBytes());
        assertThat(engine.zkNode("/").stat().mzxid()).isEqualTo(set.revision());
        assertThat(engine.zkNode("/").stat().czxid()).isZero();
        assertThat(engine.zkChildren("/")).as("the data key is no child").containsExactly("a");
        assertThat(write(new ZkOp.SetData("/", "s".getBytes(), 0)).err()).isEqualTo(ZkCode.BADVERSION);

        ZkTxnResult failed = multi(new ZkOp.SetData("/", "t".getBytes(), 1), new ZkOp.Check("/a", 7));
        assertThat(failed.err()).isEqualTo(ZkCode.BADVERSION);
        assertThat(engine.zkNode("/").data()).as("rolled back").isEqualTo("r".getBytes());
        assertThat(engine.zkNode("/").stat().version()).isEqualTo(1);
    }

    @Test
    void storingZookeeperIsNoCreateSequentialNamesCount() {
        create("/a", "", NodeKind.PERSISTENT);
        multi(plain("/zookeeper"), plain("/zookeeper/quota"), plain("/zookeeper/quota/q"));
        assertThat(create("/s-", "", NodeKind.PERSISTENT_SEQUENTIAL).results().get(0).path()).isEqualTo("/s-0000000001");
        assertThat(create("/zookeeper/s-", "", NodeKind.PERSISTENT_SEQUENTIAL).results().get(0).path())
                .isEqualTo("/zookeeper/s-0000000000");
    }

    @Test
    void failedWritesStillTakeAZxid() {
        long before = engine.revision();
        ZkTxnResult r = create("/missing/child", "", NodeKind.PERSISTENT);
        assertThat(r.err()).isEqualTo(ZkCode.NONODE);
        assertThat(r.revision()).isEqualTo(before + 1);
        assertThat(engine.revision()).isEqualTo(before + 1);
    }

    @Test
    void ephemeralsBelongToTheSessionAndGoWithIt() {
        assertThat(create("/eph", "", NodeKind.EPHEMERAL).err()).isEqualTo(ZkCode.SESSIONEXPIRED);
        SessionResult s = (SessionResult) engine.apply(now, new LeaseCommand.SessionCreate(SESSION, 30_000, new byte[16], false));
        assertThat(s.err()).isZero();
        create("/eph", "", NodeKind.EPHEMERAL);
        assertThat(engine.zkNode("/eph").stat().ephemeralOwner()).isEqualTo(SESSION);
        assertThat(create("/eph/child", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NOCHILDRENFOREPHEMERALS);
        assertThat(engine.zkEphemerals(SESSION, "/")).containsExactly("/eph");
        long before = engine.revision();
        engine.apply(now, new LeaseCommand.SessionClose(SESSION, false));
        assertThat(engine.revision()).isEqualTo(before + 1);
        assertThat(engine.zkNode("/eph")).isNull();
    }

    @Test
    void multiIsAtomicAndReportsPerOpResults() {
        create("/m", "", NodeKind.PERSISTENT);
        long before = engine.revision();
        ZkTxnResult failed = multi(new ZkOp.Create("/m/a", null, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, -1),
                new ZkOp.Check("/m", 5),
                new ZkOp.SetData("/m", utf8("x"), -1));
        assertThat(failed.err()).isEqualTo(ZkCode.BADVERSION);
        assertThat(failed.results()).extracting(r -> r.err())
                .containsExactly(ZkCode.OK, ZkCode.BADVERSION, ZkCode.RUNTIMEINCONSISTENCY);
        assertThat(engine.zkNode("/m/a")).isNull();
        assertThat(engine.zkNode("/m").stat().cversion()).isZero();
        assertThat(engine.zkNode("/").stat().numChildren()).isEqualTo(1);
        assertThat(failed.revision()).isEqualTo(before + 1);
        ZkTxnResult ok = multi(new ZkOp.Create("/m/a", null, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, -1),
                new ZkOp.Check("/m", 0), new ZkOp.SetData("/m/a", utf8("x"), 0));
        assertThat(ok.err()).isZero();
        assertThat(ok.results()).hasSize(3);
        assertThat(engine.zkNode("/m/a").stat().version()).isEqualTo(1);
        assertThat(engine.zkNode("/m/a").stat().czxid()).isEqualTo(ok.revision());
    }

    @Test
    void aclsGuardCreateDeleteWriteAndAdmin() {
        ZkIdentity alice = new ZkIdentity(List.of(new ZkId("digest", "alice:hash")), false);
        write(alice, new ZkOp.Create("/secure", null, List.of(new Acl(Acl.ALL, "auth", "")), NodeKind.PERSISTENT, -1));
        assertThat(engine.zkNode("/secure").acl()).containsExactly(new Acl(Acl.ALL, "digest", "alice:hash"));
        assertThat(write(new ZkOp.SetData("/secure", utf8("x"), -1)).err()).isEqualTo(ZkCode.NOAUTH);
        assertThat(create("/secure/c", "", NodeKind.PERSISTENT).err()).isEqualTo(ZkCode.NOAUTH);
        assertThat(write(alice, new ZkOp.SetData("/secure", utf8("x"), -1)).err()).isZero();
        assertThat(write(ZkIdentity.SUPER, new ZkOp.SetData("/secure", utf8("y"), -1)).err()).isZero();
        assertThat(write(new ZkOp.Create("/anon", null, List.of(new Acl(Acl.ALL, "auth", "")), NodeKind.PERSISTENT, -1)).err())
                .isEqualTo(ZkCode.INVALIDACL);
        assertThat(write(alice, new ZkOp.SetAcl("/secure", Acl.OPEN_ACL_UNSAFE, 0)).err()).isZero();
        assertThat(engine.zkNode("/secure").stat().aversion()).isEqualTo(1);
        assertThat(write(alice, new ZkOp.SetAcl("/secure", Acl.OPEN_ACL_UNSAFE, 0)).err()).isEqualTo(ZkCode.BADVERSION);
        ZkIdentity local = new ZkIdentity(List.of(new ZkId("ip", "10.1.2.3")), false);
        write(new ZkOp.Create("/net", null, List.of(new Acl(Acl.ALL, "ip", "10.1.0.0/16")), NodeKind.PERSISTENT, -1));
        assertThat(write(local, new ZkOp.SetData("/net", utf8("x"), -1)).err()).isZero();
        assertThat(write(new ZkOp.SetData("/net", utf8("x"), -1)).err()).isEqualTo(ZkCode.NOAUTH);
    }

    /** ZooKeeper asks the parent's DELETE permission before it looks for the node: NOAUTH, not NONODE. */
    @Test
    void deleteUnderAParentWithoutDeletePermissionIsRefusedBeforeTheNodeIsLookedFor() {
        write(new ZkOp.Create("/ro", null, List.of(new Acl(Acl.READ, "world", "anyone")), NodeKind.PERSISTENT, -1));
        assertThat(write(new ZkOp.Delete("/ro/missing", -1)).err()).isEqualTo(ZkCode.NOAUTH);
        assertThat(write(new ZkOp.Delete("/gone/missing", -1)).err()).isEqualTo(ZkCode.NONODE);
    }

    @Test
    void x509IdsAreAuthenticatedIdentitiesWithX500Names() {
        ZkIdentity client = new ZkIdentity(List.of(new ZkId("ip", "127.0.0.1"), new ZkId("x509", "CN=app,O=Cachai")), false);
        write(client, new ZkOp.Create("/tls", null, List.of(new Acl(Acl.ALL, "auth", "")), NodeKind.PERSISTENT, -1));
        assertThat(engine.zkNode("/tls").acl()).containsExactly(new Acl(Acl.ALL, "x509", "CN=app,O=Cachai"));
        ZkIdentity other = new ZkIdentity(List.of(new ZkId("x509", "CN=other,O=Cachai")), false);
        assertThat(write(other, new ZkOp.SetData("/tls", utf8("x"), -1)).err()).isEqualTo(ZkCode.NOAUTH);
        assertThat(write(client, new ZkOp.SetData("/tls", utf8("x"), -1)).err()).isZero();
        assertThat(write(new ZkOp.Create("/bad-dn", null, List.of(new Acl(Acl.ALL, "x509", "not a dn")),
                NodeKind.PERSISTENT, -1)).err()).isEqualTo(ZkCode.INVALIDACL);
    }

    @Test
    void containerIsReapedOnlyAfterItHadChildren() {
        create("/c", "", NodeKind.CONTAINER);
        assertThat(engine.zkNode("/c").stat().ephemeralOwner()).as("ZooKeeper hides container marks").isZero();
        assertThat(engine.zkReapable(now, 10)).isEmpty();
        create("/c/x", "", NodeKind.PERSISTENT);
        write(new ZkOp.Delete("/c/x", -1));
        assertThat(engine.zkReapable(now, 10)).containsExactly("/c");
        ZkTxnResult r = (ZkTxnResult) engine.apply(now, new ZkReap("/c"));
        assertThat(r.err()).isZero();
        assertThat(engine.zkNode("/c")).isNull();
    }

    @Test
    void ttlNodeExpiresAfterItsTtlWhenChildless() {
        now = 10_000;
        create("/ttl", "", NodeKind.PERSISTENT_WITH_TTL);
        assertThat(engine.zkReapable(10_050, 10)).isEmpty();
        assertThat(((ZkTxnResult) engine.apply(10_050, new ZkReap("/ttl"))).err()).isNotZero();
        assertThat(engine.zkReapable(10_101, 10)).containsExactly("/ttl");
        assertThat(((ZkTxnResult) engine.apply(10_101, new ZkReap("/ttl"))).err()).isZero();
        assertThat(engine.zkNode("/ttl")).isNull();
    }

    @Test
    void etcdKeysAppearInTheZooKeeperView() {
        engine.apply(now, Put.of(utf8("/registry/pods/default/web"), utf8("{}")));
        engine.apply(now, Put.of(utf8("plain-key"), utf8("x")));
        assertThat(engine.zkChildren("/")).containsExactly("registry");
        ZkNode virtual = engine.zkNode("/registry/pods");
        assertThat(virtual).isNotNull();
        assertThat(virtual.stat().numChildren()).isEqualTo(1);
        assertThat(engine.zkChildren("/registry/pods")).containsExactly("default");
        assertThat(engine.zkNode("/registry/pods/default/web").data()).isEqualTo(utf8("{}"));
        assertThat(engine.zkDescendants("/registry")).isEqualTo(1);
    }

    @Test
    void zooKeeperDataIsVisibleToEtcdReads() throws Exception {
        create("/shared", "v", NodeKind.PERSISTENT);
        var kv = engine.range(dev.cachai.engine.kv.RangeRequest.key(utf8("/shared"))).kvs().get(0);
        assertThat(kv.value()).isEqualTo(utf8("v"));
        assertThat(kv.version()).isEqualTo(1);
    }

    @Test
    void childrenListingSkipsSubtreesAndHandlesSiblingPrefixes() {
        create("/s", "", NodeKind.PERSISTENT);
        create("/s/b", "", NodeKind.PERSISTENT);
        create("/s/b.x", "", NodeKind.PERSISTENT);
        create("/s/b/deep", "", NodeKind.PERSISTENT);
        create("/s/b0", "", NodeKind.PERSISTENT);
        assertThat(engine.zkChildren("/s")).containsExactly("b", "b.x", "b0");
        assertThat(engine.zkChildren("/nope")).isNull();
    }

    /**
     * A reader on another thread can hold revision R while the apply thread has already
     * rewritten a node's meta for R+1 (a child added): it must still see the node's own ACL,
     * not the world-open default of a node without a meta.
     */
    @Test
    void aReaderBehindTheApplyThreadStillSeesTheNodesAcl() {
        List<Acl> readersOnly = List.of(new Acl(Acl.READ, "digest", "alice:hash"), new Acl(Acl.CREATE | Acl.DELETE, "world", "anyone"));
        write(new ZkOp.Create("/guarded", utf8("secret"), readersOnly, NodeKind.PERSISTENT, -1));
        long before = engine.revision();
        assertThat(create("/guarded/child", "", NodeKind.PERSISTENT).err()).isZero();
        assertThat(ZkView.node(engine.state(), "/guarded", before).acl()).isEqualTo(readersOnly);
        long beforeDelete = engine.revision();
        assertThat(write(new ZkOp.Delete("/guarded/child", -1)).err()).isZero();
        assertThat(write(new ZkOp.Delete("/guarded", -1)).err()).isZero();
        assertThat(ZkView.node(engine.state(), "/guarded", beforeDelete).acl())
                .as("a reader behind a delete").isEqualTo(readersOnly);
    }

    @Test
    void anAllAsciiListingIsMarkedSoRepliesSkipTheCheckAndOneNonAsciiNameUnmarksIt() {
        create("/m", "", NodeKind.PERSISTENT);
        create("/m/a", "", NodeKind.PERSISTENT);
        create("/m/b", "", NodeKind.PERSISTENT);
        assertThat(engine.zkChildren("/m")).isInstanceOf(AsciiNames.class).containsExactly("a", "b");
        assertThat(engine.zkChildren("/m")).as("an unchanged parent is listed from the cache")
                .isSameAs(engine.zkChildren("/m"));
        create("/m/\u00e9t\u00e9", "", NodeKind.PERSISTENT);
        assertThat(engine.zkChildren("/m")).isNotInstanceOf(AsciiNames.class)
                .containsExactly("a", "b", "\u00e9t\u00e9");
        create("/m/c", "", NodeKind.PERSISTENT);
        assertThat(engine.zkChildren("/m")).as("a new child is listed, not a cached listing")
                .containsExactly("a", "b", "c", "\u00e9t\u00e9");
    }

    @Test
    void childrenListingIsSortedAndUniqueWhatEverTheKeysLookLike() {
        // Random etcd keys under /r (some deleted, some only as subtrees of a missing child, names
        // sharing prefixes with '-', '.', '0' and non-ASCII): the listing must equal every live
        // node key's first segment, sorted as Strings, each once.
        String[] segments = {"a", "a-b", "a.b", "a0", "b", "\u00e9", "\ud83d\ude00", "x1", "."};
        java.util.Random random = new java.util.Random(7);
        java.util.Map<String, Boolean> live = new java.util.TreeMap<>();
        engine.apply(now, Put.of(utf8("/r"), utf8("")));
        for (int i = 0; i < 400; i++) {
            StringBuilder key = new StringBuilder("/r");
            int depth = 1 + random.nextInt(3);
            for (int d = 0; d < depth; d++) {
                key.append('/').append(segments[random.nextInt(segments.length)]);
            }
            String k = key.toString();
            boolean delete = random.nextInt(4) == 0;
            if (delete) {
                engine.apply(now, dev.cachai.engine.command.DeleteRange.of(utf8(k)));
            } else {
                engine.apply(now, Put.of(utf8(k), utf8("v")));
            }
            live.put(k, !delete);
            java.util.TreeSet<String> expected = new java.util.TreeSet<>();
            live.forEach((path, present) -> {
                if (present && dev.cachai.engine.zk.ZkPaths.isValid(path)) {
                    expected.add(path.substring(3).split("/")[0]);
                }
            });
            assertThat(engine.zkChildren("/r")).as("after %s", k).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void etcdWritesCannotBypassZooKeeperAcls() throws Exception {
        ZkIdentity alice = new ZkIdentity(List.of(new ZkId("digest", "alice:hash")), false);
        write(alice, new ZkOp.Create("/locked", utf8("v"), List.of(new Acl(Acl.ALL, "digest", "alice:hash")),
                NodeKind.PERSISTENT, -1));
        write(alice, new ZkOp.Create("/locked/child", utf8("c"), Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, -1));
        var denied = (dev.cachai.engine.result.Failed) engine.apply(now, Put.of(utf8("/locked"), utf8("x")));
        assertThat(denied.error().message()).isEqualTo("etcdserver: permission denied");
        assertThat(engine.apply(now, Put.of(utf8("/locked/new"), utf8("x")))).isInstanceOf(dev.cachai.engine.result.Failed.class);
        assertThat(engine.apply(now, dev.cachai.engine.command.DeleteRange.of(utf8("/locked/child"))))
                .isInstanceOf(dev.cachai.engine.result.Failed.class);
        assertThat(engine.zkNode("/locked/child")).isNotNull();
        assertThat(engine.apply(now, Put.of(utf8("/locked/child"), utf8("open")))).isInstanceOf(dev.cachai.engine.result.PutResult.class);
        assertThat(engine.apply(now, Put.of(utf8("not-a-path"), utf8("x")))).isInstanceOf(dev.cachai.engine.result.PutResult.class);
    }
}
