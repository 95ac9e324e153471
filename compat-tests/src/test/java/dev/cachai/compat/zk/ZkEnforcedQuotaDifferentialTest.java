package dev.cachai.compat.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cachai.compat.zk.QuotaOps.create;
import static dev.cachai.compat.zk.QuotaOps.delQuota;
import static dev.cachai.compat.zk.QuotaOps.dropping;
import static dev.cachai.compat.zk.QuotaOps.limits;
import static dev.cachai.compat.zk.QuotaOps.listQuota;
import static dev.cachai.compat.zk.QuotaOps.setQuota;

/**
 * Hard quota limits enforced: a real ZooKeeper 3.9.5 run with {@code zookeeper.enforceQuota=true}
 * (in its own JVM: ZooKeeper reads the setting once per JVM) against Cachai with
 * {@code --zk-enforce-quota true}. Creates and setData past a hard limit fail with QUOTAEXCEEDED.
 */
class ZkEnforcedQuotaDifferentialTest extends BothTargets {
    @Override
    protected ZkTargets.Target startCachai() throws Exception {
        return ZkTargets.cachai(ZkTargets.TICK_TIME_MS_DEFAULT, c -> c.withZkEnforceQuota(true));
    }

    @Override
    protected ZkTargets.Target startReal() throws Exception {
        return ZkTargets.realZooKeeperProcess(Map.of("zookeeper.enforceQuota", "true"));
    }

    @Test
    void hardLimitsFailCreatesAndSetData() throws Exception {
        ZkDifferentialTest.compare(real, cachai, "/qe", (zk, other, t) -> {
            create(t, zk, "/qe/q", null, CreateMode.PERSISTENT);
            setQuota(t, zk, "/qe/q", limits(-1, -1, 3, 10));
            create(t, zk, "/qe/q/a", "12345", CreateMode.PERSISTENT);
            create(t, zk, "/qe/q/b", null, CreateMode.PERSISTENT);
            create(t, zk, "/qe/q/c", null, CreateMode.PERSISTENT);
            create(t, zk, "/qe/q/e", null, CreateMode.EPHEMERAL);
            create(t, zk, "/qe/q/s-", null, CreateMode.PERSISTENT_SEQUENTIAL);
            create(t, zk, "/qe/elsewhere", null, CreateMode.PERSISTENT);
            t.attempt("set within", () -> zk.setData("/qe/q/a", "1234567890".getBytes(), -1));
            t.attempt("set past bytes", () -> zk.setData("/qe/q/a", "12345678901".getBytes(), -1));
            t.attempt("set past bytes, bad version", () -> zk.setData("/qe/q/a", "12345678901".getBytes(), 9));
            t.attempt("set within, bad version", () -> zk.setData("/qe/q/a", "1".getBytes(), 9));
            t.attempt("set quota root past bytes", () -> zk.setData("/qe/q", "x".getBytes(), -1));
            listQuota(t, zk, "/qe/q");
            t.attempt("delete b", () -> {
                zk.delete("/qe/q/b", -1);
                return "ok";
            });
            create(t, zk, "/qe/q/c", null, CreateMode.PERSISTENT);
            create(t, zk, "/qe/q/d", null, CreateMode.PERSISTENT);
            listQuota(t, zk, "/qe/q");
        });
    }

    @Test
    void aMultiIsCheckedOpByOpAgainstTheStateBeforeIt() throws Exception {
        ZkDifferentialTest.compare(real, cachai, "/qm", (zk, other, t) -> {
            create(t, zk, "/qm/q", null, CreateMode.PERSISTENT);
            setQuota(t, zk, "/qm/q", limits(-1, -1, 2, -1));
            t.attempt("two creates where one fits", () -> zk.multi(List.of(
                    Op.create("/qm/q/a", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.create("/qm/q/b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))).size());
            listQuota(t, zk, "/qm/q");
            t.attempt("a create past the limit", () -> zk.multi(List.of(
                    Op.check("/qm/q", -1),
                    Op.create("/qm/q/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))).size());
            t.attempt("c absent", () -> zk.exists("/qm/q/c", false) == null);
        });
    }

    @Test
    void softLimitsOnlyWarnAndDroppedLimitsNoLongerHold() throws Exception {
        ZkDifferentialTest.compare(real, cachai, "/qw", (zk, other, t) -> {
            create(t, zk, "/qw/q", null, CreateMode.PERSISTENT);
            setQuota(t, zk, "/qw/q", limits(1, 1, -1, -1));
            create(t, zk, "/qw/q/a", "past the soft limits", CreateMode.PERSISTENT);
            setQuota(t, zk, "/qw/q", limits(-1, -1, 2, -1));
            create(t, zk, "/qw/q/b", null, CreateMode.PERSISTENT);
            delQuota(t, zk, "/qw/q", dropping(false, false, true, false));
            create(t, zk, "/qw/q/b", null, CreateMode.PERSISTENT);
            listQuota(t, zk, "/qw/q");
            delQuota(t, zk, "/qw/q", null);
            create(t, zk, "/qw/q/c", null, CreateMode.PERSISTENT);
        });
    }
}
