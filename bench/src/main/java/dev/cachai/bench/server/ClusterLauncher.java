package dev.cachai.bench.server;

/** A launcher of a several-member cluster: where its leader is, moving it, and crashing a member for failover runs. */
public interface ClusterLauncher extends ServerLauncher {
    /** Index (0-based, in endpoint order) of the member that leads now. */
    int leaderIndex() throws Exception;

    /** False when this server cannot be told to hand leadership over (ZooKeeper has no leader transfer). */
    boolean canMoveLeader();

    /** Hands leadership to {@code member} and waits until every member follows it; needs {@link #canMoveLeader}. */
    void moveLeader(int member) throws Exception;

    /** kill -9 of one member. */
    void kill(int member) throws InterruptedException;
}
