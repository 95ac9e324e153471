package dev.cachai.server.transport;

import dev.cachai.consensus.message.Message;

/** What peers say to each other over the peer port, besides nothing at all. */
public sealed interface PeerFrame {

    /**
     * The first frame on every connection: who is dialing, in which cluster, whom it means to
     * reach and where it can be dialed back (also our sign of life). A node joining a running
     * cluster learns its own id and the cluster's from the first Hello it receives.
     */
    record Hello(int nodeId, long clusterId, int toId, String peerAddress) implements PeerFrame {
        public Hello {
            peerAddress = peerAddress == null ? "" : peerAddress;
        }

        public Hello(int nodeId, long clusterId) {
            this(nodeId, clusterId, 0, "");
        }
    }

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

    /** A membership request of a member's client, for the leader to carry out ({@code seq} names it at the member). */
    record MemberChange(long seq, byte[] request) implements PeerFrame {}

    /**
     * The leader's answer to a {@link MemberChange}: an etcd error name, or empty when the
     * change was applied, with the membership (consensus encoding) and its version after it.
     */
    record MemberChangeDone(long seq, String error, byte[] membership, long version) implements PeerFrame {}
}
