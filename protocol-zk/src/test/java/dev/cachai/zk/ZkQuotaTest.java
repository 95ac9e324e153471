package dev.cachai.zk;

import dev.cachai.engine.testing.SyncGateway;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.StatsTrack;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.cli.DelQuotaCommand;
import org.apache.zookeeper.cli.ListQuotaCommand;
import org.apache.zookeeper.cli.SetQuotaCommand;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Quotas set with zkCli's own code (SetQuotaCommand, ListQuotaCommand, DelQuotaCommand) against the adapter. */
class ZkQuotaTest {
    private static final int WAIT_S = 10;
    private ZkServer server;
    private ZooKeeper zk;

    private ZooKeeper start(boolean enforceQuota) throws Exception {
        server = new ZkServer(ZkServerConfig.defaults().withEnforceQuota(enforceQuota), new SyncGateway());
        server.start();
        CountDownLatch up = new CountDownLatch(1);
        zk = new ZooKeeper("127.0.0.1:" + server.port(), 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        assertThat(up.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    @AfterEach
    void stop() throws Exception {
        if (zk != null) {
            zk.close();
        }
        server.close();
    }

    /** The limits setquota's -n, -b, -N and -B give, in StatsTrack's text; -1 leaves one unset. */
    private static StatsTrack limits(long count, long bytes, long countHard, long bytesHard) {
        return new StatsTrack("count=" + count + ",bytes=" + bytes + ";countHardLimit=" + countHard
                + ";byteHardLimit=" + bytesHard);
    }

    private static void create(ZooKeeper zk, String path, String data) throws Exception {
        zk.create(path, data == null ? null : data.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    private static String stats(ZooKeeper zk, String path) throws Exception {
        return ListQuotaCommand.listQuota(zk, path).get(1).toString();
    }

    @Test
    void statsFollowCreatesDeletesAndSetData() throws Exception {
        ZooKeeper zk = start(false);
        create(zk, "/app", "ab");
        create(zk, "/app/x", "xyz");
        SetQuotaCommand.createQuota(zk, "/app", limits(10, -1, -1, -1));
        List<StatsTrack> listed = ListQuotaCommand.listQuota(zk, "/app");
        assertThat(listed.get(0).toString()).isEqualTo("count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1");
        assertThat(listed.get(1).toString()).isEqualTo("count=2,bytes=5");

        Stat before = zk.exists("/zookeeper/quota/app/zookeeper_stats", false);
        create(zk, "/app/y", "0123456789");
        zk.setData("/app/x", null, -1);
        assertThat(stats(zk, "/app")).isEqualTo("count=3,bytes=12");
        Stat after = new Stat();
        assertThat(new String(zk.getData("/zookeeper/quota/app/zookeeper_stats", false, after))).isEqualTo("count=3,bytes=12");
        assertThat(after.getMzxid()).as("rewritten in place, as ZooKeeper does").isEqualTo(before.getMzxid());
        assertThat(after.getVersion()).isEqualTo(before.getVersion());
        assertThat(after.getDataLength()).isEqualTo("count=3,bytes=12".length());

        zk.delete("/app/y", -1);
        assertThat(stats(zk, "/app")).isEqualTo("count=2,bytes=2");
        DelQuotaCommand.delQuota(zk, "/app", null);
        assertThat(zk.exists("/zookeeper/quota/app", false)).isNull();
        assertThat(zk.getChildren("/zookeeper/quota", false)).isEmpty();
    }

    @Test
    void hardLimitsFailWritesWithQuotaExceededWhenEnforced() throws Exception {
        ZooKeeper zk = start(true);
        create(zk, "/q", null);
        SetQuotaCommand.createQuota(zk, "/q", limits(-1, -1, 2, 4));
        create(zk, "/q/a", "1234");
        assertThatThrownBy(() -> create(zk, "/q/b", null)).isInstanceOf(KeeperException.QuotaExceededException.class)
                .hasMessageContaining("/q/b");
        assertThatThrownBy(() -> zk.setData("/q/a", "12345".getBytes(), -1))
                .isInstanceOf(KeeperException.QuotaExceededException.class);
        assertThatThrownBy(() -> zk.multi(List.of(Op.check("/q", -1), Op.setData("/q/a", "12345".getBytes(), -1))))
                .isInstanceOf(KeeperException.QuotaExceededException.class);
        zk.setData("/q/a", "1".getBytes(), -1);
        assertThat(stats(zk, "/q")).isEqualTo("count=2,bytes=1");
        DelQuotaCommand.delQuota(zk, "/q", limits(-1, -1, 1, -1));
        create(zk, "/q/b", null);
        assertThat(stats(zk, "/q")).as("counted, no longer limited").isEqualTo("count=3,bytes=1");
    }

    @Test
    void hardLimitsAreOnlyCountedWhereNotEnforced() throws Exception {
        ZooKeeper zk = start(false);
        create(zk, "/q", null);
        SetQuotaCommand.createQuota(zk, "/q", limits(-1, -1, 1, -1));
        create(zk, "/q/a", null);
        assertThat(stats(zk, "/q")).isEqualTo("count=2,bytes=0");
    }
}
