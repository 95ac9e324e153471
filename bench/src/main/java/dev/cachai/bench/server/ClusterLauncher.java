package dev.cachai.bench.server;

/** A launcher of a several-member cluster that can crash one member, for failover runs. */
public interface ClusterLauncher extends ServerLauncher {
    /** Index (0-based, in endpoint order) of the member that leads now, asked over the etcd API. */
    int leaderIndex() throws Exception;

    /** kill -9 of one member. */
    void kill(int member) throws InterruptedException;
}
