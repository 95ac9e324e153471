package dev.cachai.compat.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * mntr's zk_approximate_data_size and zk_znode_count on a new real ZooKeeper and a new Cachai as
 * the same nodes are created, rewritten and deleted: ZooKeeper counts each node's path length
 * plus data length, from 44 for its empty tree. Also: the file descriptor limit is the process's.
 */
class ZkApproximateDataSizeDifferentialTest {

    @Test
    void dataSizeAndNodeCountFollowTheTreeAsInZooKeeper() throws Exception {
        List<String> expected;
        try (ZkTargets.Target real = ZkTargets.realZooKeeper()) {
            expected = steps(real);
        }
        try (ZkTargets.Target cachai = ZkTargets.cachai()) {
            assertThat(steps(cachai)).containsExactlyElementsOf(expected);
            String mntr = RawZk.fourLetterWord(cachai.connectString(), "mntr");
            assertThat(Long.parseLong(value(mntr, "zk_max_file_descriptor_count"))).isPositive();
        }
        assertThat(expected.get(0)).isEqualTo("empty: size 44 nodes 5");
    }

    private static List<String> steps(ZkTargets.Target target) throws Exception {
        List<String> out = new ArrayList<>();
        String at = target.connectString();
        out.add("empty: " + sizes(at));
        try (ZooKeeper zk = ZkClients.connect(at, 10_000, null)) {
            zk.create("/app", "xyz".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/app/b", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create("/app/c", "12345".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            out.add("created: " + sizes(at));
            zk.setData("/app", "x".getBytes(), -1);
            zk.setData("/app/b", "grown".getBytes(), -1);
            out.add("rewritten: " + sizes(at));
            zk.delete("/app/c", -1);
            out.add("deleted: " + sizes(at));
            zk.setData("/zookeeper/quota", "q".getBytes(), -1);
            zk.create("/zookeeper/mine", "d".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.setData("/", "root".getBytes(), -1);
            out.add("built-ins written: " + sizes(at));
        }
        return out;
    }

    private static String sizes(String connectString) throws Exception {
        String mntr = RawZk.fourLetterWord(connectString, "mntr");
        return "size " + value(mntr, "zk_approximate_data_size") + " nodes " + value(mntr, "zk_znode_count");
    }

    private static String value(String mntr, String key) {
        return mntr.lines().filter(l -> l.startsWith(key + "\t")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError(key + " missing from mntr"));
    }
}
