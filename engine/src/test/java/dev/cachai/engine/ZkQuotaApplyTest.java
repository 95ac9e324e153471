package dev.cachai.engine;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.result.SessionResult;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.ZkIdentity;
import dev.cachai.engine.zk.ZkQuota;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** Quota usage and enforcement (ZooKeeper's DataTree and checkQuota), and session owners (SESSIONMOVED). */
class ZkQuotaApplyTest {
    private static final long SESSION = 0x100000001L;
    private static final String LIMITS = "count=-1,bytes=-1=;byteHardLimit=%d;countHardLimit=%d";
    private final Engine engine = new Engine();

    private ZkTxnResult apply(Command c) {
        return (ZkTxnResult) engine.apply(1_000, c);
    }

    private ZkTxnResult write(boolean enforce, ZkOp... ops) {
        return apply(new ZkTxn(SESSION, ZkIdentity.ANONYMOUS, List.of(ops), ops.length > 1, 0, enforce));
    }

    private static ZkOp create(String path, String data) {
        return new ZkOp.Create(path, data == null ? null : utf8(data), Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, -1);
    }

    private void mustCreate(String path, String data) {
        assertThat(write(false, create(path, data)).err()).as(path).isZero();
    }

    /** What ZooKeeper's SetQuotaCommand creates for a new quota on {@code path}. */
    private void setQuota(String path, String limits) {
        if (engine.zkNode("/zookeeper") == null) {
            mustCreate("/zookeeper", null);
            mustCreate("/zookeeper/quota", null);
        }
        mustCreate("/zookeeper/quota" + path, null);
        mustCreate(ZkQuota.limitPath(path), limits);
        mustCreate(ZkQuota.statsPath(path), "count=0,bytes=0");
    }

    private ZkQuota.Usage usage(String path) {
        return engine.zkQuotaUsage(path);
    }

    @Test
    void statsCountTheQuotaRootAndItsSubtreeFromWhenTheyAreCreated() {
        mustCreate("/app", "ab");
        mustCreate("/app/x", "xyz");
        mustCreate("/other", "zzzz");
        assertThat(usage("/app")).isNull();
        setQuota("/app", "count=10,bytes=-1");
        assertThat(usage("/app")).isEqualTo(new ZkQuota.Usage(2, 5));
        mustCreate("/app/y", "q");
        mustCreate("/app/y/z", null);
        assertThat(usage("/app")).isEqualTo(new ZkQuota.Usage(4, 6));
        assertThat(write(false, new ZkOp.SetData("/app/x", utf8(""), -1)).err()).isZero();
        assertThat(usage("/app")).isEqualTo(new ZkQuota.Usage(4, 3));
        assertThat(write(false, new ZkOp.Delete("/app/y/z", -1)).err()).isZero();
        assertThat(usage("/app")).isEqualTo(new ZkQuota.Usage(3, 3));
        assertThat(new String(usage("/app").text())).isEqualTo("count=3,bytes=3");
        mustCreate("/other/w", "w");
        assertThat(usage("/app")).as("writes elsewhere do not count").isEqualTo(new ZkQuota.Usage(3, 3));
    }

    @Test
    void etcdWritesToPathsUnderAQuotaCountToo() {
        mustCreate("/app", null);
        setQuota("/app", "count=10,bytes=-1");
        engine.apply(1_000, Put.of(utf8("/app/k"), utf8("1234")));
        engine.apply(1_000, Put.of(utf8("/app/k"), utf8("12")));
        engine.apply(1_000, Put.of(utf8("/app/not a path/"), utf8("12345")));
        assertThat(usage("/app")).isEqualTo(new ZkQuota.Usage(2, 2));
        engine.apply(1_000, new DeleteRange(utf8("/app/"), Bytes.prefixEnd(utf8("/app/")), false));
        assertThat(usage("/app")).isEqualTo(new ZkQuota.Usage(1, 0));
    }

    @Test
    void aNodeCountsTowardItsLongestQuotaAndDeletingQuotaNodesStopsCounting() {
        mustCreate("/a", null);
        mustCreate("/a/b", null);
        mustCreate("/a/b/c", "cc");
        setQuota("/a", "count=10,bytes=-1");
        assertThat(usage("/a")).isEqualTo(new ZkQuota.Usage(3, 2));
        setQuota("/a/b", "count=10,bytes=-1");
        assertThat(usage("/a/b")).isEqualTo(new ZkQuota.Usage(2, 2));
        assertThat(usage("/a")).as("the nested quota's subtree moved out").isEqualTo(new ZkQuota.Usage(1, 0));
        mustCreate("/a/b/d", "d");
        assertThat(usage("/a/b")).isEqualTo(new ZkQuota.Usage(3, 3));
        assertThat(write(false, new ZkOp.Delete(ZkQuota.limitPath("/a/b"), -1)).err()).isZero();
        assertThat(usage("/a/b")).isNull();
        assertThat(usage("/a")).isEqualTo(new ZkQuota.Usage(4, 3));
        assertThat(write(false, new ZkOp.Delete(ZkQuota.statsPath("/a"), -1)).err()).isZero();
        assertThat(usage("/a")).isNull();
    }

    @Test
    void hardLimitsFailCreateAndSetDataOnlyWhereEnforced() {
        mustCreate("/q", "12");
        setQuota("/q", String.format(LIMITS, 6, 2));
        ZkOp child = create("/q/c", "345");
        assertThat(write(true, child).err()).isZero();
        assertThat(usage("/q")).isEqualTo(new ZkQuota.Usage(2, 5));
        assertThat(write(true, create("/q/d", null)).err()).isEqualTo(ZkCode.QUOTAEXCEEDED);
        assertThat(write(false, create("/q/d", null)).err()).as("not enforced").isZero();
        assertThat(write(true, new ZkOp.SetData("/q/c", utf8("3456"), -1)).err()).as("5 + 1 bytes fit").isZero();
        assertThat(write(true, new ZkOp.SetData("/q/c", utf8("34567"), 7)).err())
                .as("checked before the version, as ZooKeeper").isEqualTo(ZkCode.QUOTAEXCEEDED);
        assertThat(write(true, new ZkOp.SetData("/q/c", utf8("3"), -1)).err()).as("shrinking").isZero();
        assertThat(engine.zkQuotaCheck("/q/e", 0, 1))
                .isEqualTo(new ZkQuota.Verdict(ZkCode.QUOTAEXCEEDED, "Quota exceeded: /q [current count=4, hardCountLimit=2]"));
    }

    @Test
    void aDeeperQuotaWithoutStatsTakesItsSubtreeOutOfTheCheck() {
        mustCreate("/a", null);
        mustCreate("/a/b", null);
        setQuota("/a", String.format(LIMITS, -1, 2));
        assertThat(write(true, create("/a/x", null)).err()).isEqualTo(ZkCode.QUOTAEXCEEDED);
        mustCreate("/zookeeper/quota/a/b", null);
        mustCreate(ZkQuota.limitPath("/a/b"), String.format(LIMITS, -1, 1));
        assertThat(write(true, create("/a/b/x", null)).err())
                .as("counted toward /a/b, which has no stats node: unchecked, as in ZooKeeper").isZero();
    }

    @Test
    void softLimitsOnlyWarn() {
        mustCreate("/s", null);
        setQuota("/s", "count=1,bytes=0");
        assertThat(engine.zkQuotaCheck("/s/x", 4, 1))
                .isEqualTo(new ZkQuota.Verdict(ZkCode.OK, "Quota exceeded: /s [current count=2, softCountLimit=1]"));
        assertThat(engine.zkQuotaCheck("/s", 4, 0))
                .isEqualTo(new ZkQuota.Verdict(ZkCode.OK, "Quota exceeded: /s [current bytes=4, softByteLimit=0]"));
        assertThat(write(true, create("/s/x", "data")).err()).isZero();
        assertThat(engine.zkQuotaCheck("/elsewhere", 4, 1)).isEqualTo(ZkQuota.Verdict.WITHIN);
    }

    @Test
    void aMultiIsCheckedAgainstTheStateBeforeIt() {
        mustCreate("/m", null);
        setQuota("/m", String.format(LIMITS, -1, 2));
        assertThat(write(true, create("/m/a", null), create("/m/b", null)).err())
                .as("each op alone fits, as ZooKeeper checks them").isZero();
        assertThat(usage("/m")).isEqualTo(new ZkQuota.Usage(3, 0));
        ZkTxnResult r = write(true, new ZkOp.Check("/m", -1), create("/m/c", null));
        assertThat(r.results()).extracting(x -> x.err())
                .containsExactly(ZkCode.OK, ZkCode.QUOTAEXCEEDED);
    }

    @Test
    void anUndoneMultiLeavesUsageAsItWas() {
        mustCreate("/u", null);
        setQuota("/u", "count=10,bytes=-1");
        ZkTxnResult r = write(false, create("/u/a", "aa"), create("/missing/b", null));
        assertThat(r.err()).isEqualTo(ZkCode.NONODE);
        assertThat(usage("/u")).isEqualTo(new ZkQuota.Usage(1, 0));
        r = write(false, new ZkOp.Delete(ZkQuota.limitPath("/u"), -1), create("/missing/b", null));
        assertThat(r.err()).isEqualTo(ZkCode.NONODE);
        assertThat(usage("/u")).isEqualTo(new ZkQuota.Usage(1, 0));
        mustCreate("/u/a", "aa");
        assertThat(usage("/u")).isEqualTo(new ZkQuota.Usage(2, 2));
    }

    @Test
    void anUnreadableLimitNodeFailsEnforcedWritesWithMarshallingError() {
        mustCreate("/bad", null);
        setQuota("/bad", "count");
        assertThat(write(true, create("/bad/x", null)).err()).isEqualTo(ZkCode.MARSHALLINGERROR);
        assertThat(write(false, create("/bad/x", null)).err()).isZero();
        assertThat(usage("/bad")).isEqualTo(new ZkQuota.Usage(2, 0));
    }

    @Test
    void limitTextsParseAsStatsTrackDoes() {
        assertThat(ZkQuota.parseLimits(utf8("count=10,bytes=-1=;byteHardLimit=7;countHardLimit=5")))
                .isEqualTo(new ZkQuota.Limits(10, -1, 5, 7));
        assertThat(ZkQuota.parseLimits(utf8(""))).isEqualTo(new ZkQuota.Limits(-1, -1, -1, -1));
        assertThat(ZkQuota.parseLimits(utf8("count=1;count=2"))).isEqualTo(new ZkQuota.Limits(2, -1, -1, -1));
        assertThat(ZkQuota.parseLimits(utf8("count=x"))).isNull();
        assertThat(ZkQuota.parseLimits(utf8(",count=1"))).isNull();
        assertThat(ZkQuota.parseLimits(null)).isNull();
        assertThat(ZkQuota.quotaOfLimitNode("/zookeeper/quota/a/b/zookeeper_limits")).isEqualTo("/a/b");
        assertThat(ZkQuota.quotaOfLimitNode("/zookeeper/quota/zookeeper_limits")).as("the root").isNull();
        assertThat(ZkQuota.quotaOfStatsNode("/zookeeper/quota/a/zookeeper_limits")).isNull();
    }

    @Test
    void usageSurvivesASnapshot(@TempDir Path dir) {
        mustCreate("/p", "pp");
        setQuota("/p", "count=10,bytes=-1");
        mustCreate("/p/c", "c");
        Path file = dir.resolve("s.snap");
        try (EngineSnapshot snap = engine.beginSnapshot(1)) {
            snap.writeTo(file);
        }
        Engine copy = EngineSnapshot.restore(file, EngineLimits.DEFAULTS).engine();
        assertThat(copy.zkQuotaUsage("/p")).isEqualTo(new ZkQuota.Usage(2, 3));
    }

    // ---- session owners ----

    private ZkTxnResult writeFrom(int origin, ZkOp op) {
        return apply(new ZkTxn(SESSION, ZkIdentity.ANONYMOUS, List.of(op), false, origin, false));
    }

    @Test
    void aWriteThroughAMemberTheSessionLeftFailsWithSessionMoved() {
        engine.apply(1_000, new LeaseCommand.SessionCreate(SESSION, 4_000, new byte[16], false));
        assertThat(writeFrom(1, create("/first", null)).err()).as("the first write claims the session").isZero();
        assertThat(engine.lease(SESSION).owner()).isEqualTo(1);
        long revision = engine.revision();
        assertThat(((SessionResult) engine.apply(1_000, new LeaseCommand.SessionOwner(SESSION, 2))).err()).isZero();
        assertThat(engine.revision()).as("moving a session takes no zxid").isEqualTo(revision);

        ZkTxnResult stale = writeFrom(1, create("/stale", null));
        assertThat(stale.err()).isEqualTo(ZkCode.SESSIONMOVED);
        assertThat(stale.revision()).as("a failed write takes a zxid, as in ZooKeeper").isEqualTo(revision + 1);
        assertThat(engine.zkNode("/stale")).isNull();
        assertThat(writeFrom(2, create("/moved", null)).err()).isZero();
        assertThat(writeFrom(0, create("/unchecked", null)).err()).isZero();
        assertThat(((SessionResult) engine.apply(1_000, new LeaseCommand.SessionOwner(0x55, 2))).err())
                .isEqualTo(ZkCode.SESSIONEXPIRED);
    }

    @Test
    void sessionOwnersSurviveASnapshot(@TempDir Path dir) {
        engine.apply(1_000, new LeaseCommand.SessionCreate(SESSION, 4_000, new byte[16], false));
        engine.apply(1_000, new LeaseCommand.SessionOwner(SESSION, 3));
        Path file = dir.resolve("s.snap");
        try (EngineSnapshot snap = engine.beginSnapshot(1)) {
            engine.apply(1_000, new LeaseCommand.SessionOwner(SESSION, 4));
            snap.writeTo(file);
        }
        Engine copy = EngineSnapshot.restore(file, EngineLimits.DEFAULTS).engine();
        assertThat(copy.lease(SESSION).owner()).as("the owner at the pinned revision").isEqualTo(3);
    }
}
