package dev.cachai.server.transport;

import dev.cachai.consensus.message.Message;

/** What peers say to each other over the peer port, besides nothing at all. */
public sealed interface PeerFrame {

    /** The first frame on every connection: who is dialing, in which cluster (also our sign of life). */
    record Hello(int nodeId, long clusterId) implements PeerFrame {}

    /** A consensus message. */
    record Paxos(Message message) implements PeerFrame {}

    /** A follower hands the leader a client's proposal; {@code seq} names it at the follower. */
    record Forward(long seq, byte[] payload) implements PeerFrame {}

    /**
     * The leader did not propose a forwarded command. {@code retry}: it is no longer leader and
     * nothing entered the log, so the follower may send it elsewhere.
     */
    record ForwardRefused(long seq, boolean retry) implements PeerFrame {}

    /** Leases and sessions renewed by clients of a follower; the leader's timers must hear of it. */
    record KeepAlives(long[] leaseIds) implements PeerFrame {}
}
