package dev.cachai.server.transport;

/** Bytes on the wire with each peer, counted on the transport's event loops (must not block). */
public interface PeerTraffic {
    PeerTraffic NONE = new PeerTraffic() {
        @Override
        public void sent(int peerId, long bytes) {}

        @Override
        public void received(int peerId, long bytes) {}
    };

    void sent(int peerId, long bytes);

    void received(int peerId, long bytes);
}
