package dev.cachai.compat.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * The Stat of /, /zookeeper and /zookeeper/quota on fresh servers, compared absolutely (the
 * shared-server suites can only compare their changes), also once writes below them made
 * Cachai store the first two. ZooKeeper's cversion of a node with
 * children no one created (the built-in ones) is its count of child creates and deletes less
 * those children: a fresh root shows -1, a fresh /zookeeper -2.
 */
class ZkBuiltInStatsDifferentialTest {
    @Test
    void builtInNodesShowZooKeepersStatsFromTheStart() throws Exception {
        try (ZkTargets.Target real = ZkTargets.realZooKeeper(); ZkTargets.Target cachai = ZkTargets.cachai()) {
            ZkDifferentialTest.compare(real, cachai, "/first", (zk, other, t) -> {
                shapes("fresh", zk, t);
                zk.create("/p", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.delete("/p", -1);
                t.attempt("sequential", () -> zk.create("/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL));
                shapes("after root children changed", zk, t);
                // Cachai stores /zookeeper with the first write below it, and /zookeeper/quota
                // with the first below that: neither may show in a pzxid or cversion.
                zk.create("/zookeeper/other", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                shapes("after a write below /zookeeper", zk, t);
                zk.create("/zookeeper/quota/first", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                shapes("after a write below /zookeeper/quota", zk, t);
                zk.delete("/zookeeper/other", -1);
                zk.delete("/zookeeper/quota/first", -1);
                shapes("after deleting them", zk, t);
            });
        }
    }

    private static void shapes(String when, ZooKeeper zk, ZkDifferentialTest.Transcript t) {
        for (String path : new String[] {"/", "/zookeeper", "/zookeeper/quota"}) {
            t.attempt(when + " " + path, () -> zk.exists(path, false));
        }
    }
}
