package dev.cachai.server.transport;

import java.util.Set;

/** Who may connect to us, and what we tell the peers that dialed us. */
interface PeerGate {
    /** Whether a connection opened with this Hello is from a member of our cluster. */
    boolean admit(PeerFrame.Hello hello);

    /** Our sign of life on a connection {@code toId} dialed. */
    PeerFrame.Hello alive(int toId);

    /** A fixed set of members of one cluster (tests and the transport's start). */
    static PeerGate fixed(Set<Integer> knownPeers, PeerFrame.Hello self) {
        return new PeerGate() {
            @Override
            public boolean admit(PeerFrame.Hello hello) {
                return knownPeers.contains(hello.nodeId()) && hello.clusterId() == self.clusterId();
            }

            @Override
            public PeerFrame.Hello alive(int toId) {
                return self;
            }
        };
    }
}
