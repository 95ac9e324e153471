package dev.cachai.engine.result;

import dev.cachai.engine.zk.ZkStat;

/** One ZooKeeper op's outcome: its error code, and for creates the final path; the node's Stat after the op. */
public record ZkOpResult(int err, String path, ZkStat stat) {
    public boolean ok() {
        return err == dev.cachai.engine.ZkCode.OK;
    }
}
