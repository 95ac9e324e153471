package dev.cachai.compat.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cachai.compat.zk.QuotaOps.create;
import static dev.cachai.compat.zk.QuotaOps.delQuota;
import static dev.cachai.compat.zk.QuotaOps.dropping;
import static dev.cachai.compat.zk.QuotaOps.limits;
import static dev.cachai.compat.zk.QuotaOps.listQuota;
import static dev.cachai.compat.zk.QuotaOps.setQuota;

/**
 * Quotas without enforcement (ZooKeeper's default): setquota, listquota and delquota through
 * zkCli's own code, and the stats the server keeps as the subtree changes, against a real
 * ZooKeeper 3.9.5 and Cachai.
 */
class ZkQuotaDifferentialTest extends BothTargets {
    @Test
    void statsFollowCreatesDeletesAndSetData() throws Exception {
        ZkDifferentialTest.compare(real, cachai, "/qs", (zk, other, t) -> {
            create(t, zk, "/qs/app", "ab", CreateMode.PERSISTENT);
            create(t, zk, "/qs/app/x", "xyz", CreateMode.PERSISTENT);
            setQuota(t, zk, "/qs/app", limits(10, -1, -1, -1));
            listQuota(t, zk, "/qs/app");
            t.attempt("quota tree", () -> zk.getChildren("/zookeeper/quota/qs/app", false).stream().sorted().toList());
            t.attempt("stats stat", () -> zk.exists("/zookeeper/quota/qs/app/zookeeper_stats", false));
            t.attempt("limits stat", () -> zk.exists("/zookeeper/quota/qs/app/zookeeper_limits", false));
            create(t, zk, "/qs/app/y", "0123456789", CreateMode.PERSISTENT);
            create(t, other, "/qs/app/y/e", "e", CreateMode.EPHEMERAL);
            create(t, zk, "/qs/app/s-", null, CreateMode.PERSISTENT_SEQUENTIAL);
            create(t, zk, "/qs/outside", "not counted", CreateMode.PERSISTENT);
            listQuota(t, zk, "/qs/app");
            t.attempt("set x", () -> zk.setData("/qs/app/x", null, -1));
            t.attempt("set root", () -> zk.setData("/qs/app", "abcd".getBytes(), -1));
            t.attempt("multi", () -> zk.multi(List.of(
                    Op.create("/qs/app/m", "mm".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                    Op.delete("/qs/app/x", -1))).size());
            t.attempt("get stats", () -> zk.getData("/zookeeper/quota/qs/app/zookeeper_stats", false, new Stat()));
            t.attempt("stats stat after", () -> zk.exists("/zookeeper/quota/qs/app/zookeeper_stats", false));
            t.attempt("delete y", () -> {
                zk.delete("/qs/app/y", -1);
                return "ok";
            });
            t.attempt("delete e", () -> {
                other.delete("/qs/app/y/e", -1);
                zk.delete("/qs/app/y", -1);
                return "ok";
            });
            listQuota(t, zk, "/qs/app");
            t.attempt("hard limit is not enforced", () -> zk.getAllChildrenNumber("/qs/app"));
        });
    }

    @Test
    void setquotaListquotaAndDelquota() throws Exception {
        ZkDifferentialTest.compare(real, cachai, "/qd", (zk, other, t) -> {
            setQuota(t, zk, "/qd/none", limits(1, -1, -1, -1));
            create(t, zk, "/qd/a", null, CreateMode.PERSISTENT);
            create(t, zk, "/qd/a/b", "bb", CreateMode.PERSISTENT);
            setQuota(t, zk, "/qd/a", limits(1, 1, 1, 1));
            listQuota(t, zk, "/qd/a");
            setQuota(t, zk, "/qd/a/b", limits(5, -1, -1, -1));
            setQuota(t, zk, "/qd", limits(5, -1, -1, -1));
            setQuota(t, zk, "/qd/a", limits(-1, 100, -1, -1));
            listQuota(t, zk, "/qd/a");
            create(t, zk, "/qd/a/c", "over the soft and hard limits", CreateMode.PERSISTENT);
            listQuota(t, zk, "/qd/a");
            delQuota(t, zk, "/qd/a", dropping(true, false, true, false));
            listQuota(t, zk, "/qd/a");
            listQuota(t, zk, "/qd/none");
            delQuota(t, zk, "/qd/none", null);
            t.attempt("delete the quota'd node", () -> {
                zk.delete("/qd/a/b", -1);
                zk.delete("/qd/a/c", -1);
                zk.delete("/qd/a", -1);
                return "ok";
            });
            listQuota(t, zk, "/qd/a");
            create(t, zk, "/qd/a", "again", CreateMode.PERSISTENT);
            listQuota(t, zk, "/qd/a");
            delQuota(t, zk, "/qd/a", null);
            t.attempt("quota tree after delquota", () -> zk.getChildren("/zookeeper/quota", false).stream().sorted().toList());
            listQuota(t, zk, "/qd/a");
        });
    }

    @Test
    void statsNodesWrittenByHand() throws Exception {
        ZkDifferentialTest.compare(real, cachai, "/qh", (zk, other, t) -> {
            create(t, zk, "/qh/n", "12", CreateMode.PERSISTENT);
            create(t, zk, "/zookeeper/quota/qh", null, CreateMode.PERSISTENT);
            create(t, zk, "/zookeeper/quota/qh/n", null, CreateMode.PERSISTENT);
            create(t, zk, "/zookeeper/quota/qh/n/zookeeper_limits", "count=-1,bytes=-1", CreateMode.PERSISTENT);
            create(t, zk, "/zookeeper/quota/qh/n/zookeeper_stats", "count=0,bytes=0", CreateMode.PERSISTENT);
            t.attempt("stats create counted the subtree", () -> zk.getData("/zookeeper/quota/qh/n/zookeeper_stats", false, null));
            create(t, zk, "/qh/n/c", "345", CreateMode.PERSISTENT);
            t.attempt("stats", () -> zk.getData("/zookeeper/quota/qh/n/zookeeper_stats", false, null));
            t.attempt("delete stats", () -> {
                zk.delete("/zookeeper/quota/qh/n/zookeeper_stats", -1);
                return "ok";
            });
            create(t, zk, "/qh/n/d", "6", CreateMode.PERSISTENT);
            create(t, zk, "/zookeeper/quota/qh/n/zookeeper_stats", "", CreateMode.PERSISTENT);
            t.attempt("stats created again", () -> zk.getData("/zookeeper/quota/qh/n/zookeeper_stats", false, null));
        });
    }
}
