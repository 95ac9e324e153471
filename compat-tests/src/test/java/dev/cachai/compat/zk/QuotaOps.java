package dev.cachai.compat.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.StatsTrack;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.cli.DelQuotaCommand;
import org.apache.zookeeper.cli.ListQuotaCommand;
import org.apache.zookeeper.cli.SetQuotaCommand;

/**
 * zkCli's quota commands, run through ZooKeeper's own code (SetQuotaCommand, ListQuotaCommand,
 * DelQuotaCommand) and written into a transcript, for the quota differential suites.
 */
final class QuotaOps {
    private QuotaOps() {}

    /** A StatsTrack with the limits setquota's -n, -b, -N and -B give; -1 leaves one unset. */
    static StatsTrack limits(long count, long bytes, long countHard, long bytesHard) {
        StatsTrack t = new StatsTrack();
        t.setCount(count);
        t.setBytes(bytes);
        t.setCountHardLimit(countHard);
        t.setByteHardLimit(bytesHard);
        return t;
    }

    /** The flags delquota passes to drop some limits: 1 marks the ones to drop. */
    static StatsTrack dropping(boolean count, boolean bytes, boolean countHard, boolean bytesHard) {
        StatsTrack t = new StatsTrack();
        if (count) {
            t.setCount(1);
        }
        if (bytes) {
            t.setBytes(1);
        }
        if (countHard) {
            t.setCountHardLimit(1);
        }
        if (bytesHard) {
            t.setByteHardLimit(1);
        }
        return t;
    }

    static void setQuota(ZkDifferentialTest.Transcript t, ZooKeeper zk, String path, StatsTrack limits) {
        record(t, "setquota " + path + " " + limits, () -> SetQuotaCommand.createQuota(zk, path, limits));
    }

    static void listQuota(ZkDifferentialTest.Transcript t, ZooKeeper zk, String path) {
        record(t, "listquota " + path, () -> ListQuotaCommand.listQuota(zk, path).toString());
    }

    /** delquota: all of the quota when {@code drop} is null, else the marked limits. */
    static void delQuota(ZkDifferentialTest.Transcript t, ZooKeeper zk, String path, StatsTrack drop) {
        record(t, "delquota " + path + " " + drop, () -> DelQuotaCommand.delQuota(zk, path, drop));
    }

    static void create(ZkDifferentialTest.Transcript t, ZooKeeper zk, String path, String data, CreateMode mode) {
        t.attempt("create " + path + " " + mode,
                () -> zk.create(path, data == null ? null : data.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode));
    }

    /** Like {@link ZkDifferentialTest.Transcript#attempt}, keeping the message of zkCli's argument errors. */
    private static void record(ZkDifferentialTest.Transcript t, String label, ZkDifferentialTest.ThrowingSupplier<Object> op) {
        try {
            t.add(label + " -> " + op.get());
        } catch (IllegalArgumentException e) {
            t.add(label + " -> " + e.getMessage());
        } catch (KeeperException e) {
            t.add(label + " -> " + e.code());
        } catch (Exception e) {
            t.add(label + " -> " + e.getClass().getSimpleName());
        }
    }
}
