package dev.cachai.consensus;

/**
 * A read-index request the leader is confirming: {@code index} is the commit index when it
 * arrived, {@code readSeq} the heartbeat round that must reach a quorum, {@code origin} the node
 * whose client asked (the leader itself or a follower).
 */
record PendingRead(byte[] context, int origin, long index, long readSeq) {
}
