package dev.cachai.engine.zk;

/** ZooKeeper's Stat, field for field. */
public record ZkStat(long czxid, long mzxid, long ctime, long mtime, int version, int cversion,
                     int aversion, long ephemeralOwner, int dataLength, int numChildren, long pzxid) {
    public static final ZkStat ZERO = new ZkStat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
