package dev.cachai.server.transport;

/**
 * Bounds of the peer transport.
 *
 * @param peerFrameBytesMax       largest frame accepted or sent (a snapshot chunk or an Accept batch plus slack)
 * @param peerOutboundBytesMax    bytes queued to one peer before further frames are dropped (Paxos retransmits)
 * @param reconnectDelayMsMin     first wait before redialing a peer
 * @param reconnectDelayMsMax     the backoff stops doubling here
 * @param connectTimeoutMs        how long one dial may take
 * @param livenessIntervalMs      how often a node tells the peers that dialed it that it is still there
 * @param peerSilenceMsMax        a dialed connection that heard nothing for this long is closed and redialed
 *                                (a peer behind a partition sends no end-of-stream)
 */
public record TransportLimits(int peerFrameBytesMax, int peerOutboundBytesMax, long reconnectDelayMsMin,
                              long reconnectDelayMsMax, int connectTimeoutMs, long livenessIntervalMs,
                              long peerSilenceMsMax) {
    public static final TransportLimits DEFAULTS = new TransportLimits(4 << 20, 32 << 20, 50, 1_000, 1_000,
            500, 3_000);

    public TransportLimits {
        if (peerFrameBytesMax < 1024 || peerOutboundBytesMax < peerFrameBytesMax) {
            throw new IllegalArgumentException("need 1 KiB <= peerFrameBytesMax <= peerOutboundBytesMax");
        }
        if (reconnectDelayMsMin < 1 || reconnectDelayMsMax < reconnectDelayMsMin || connectTimeoutMs < 1) {
            throw new IllegalArgumentException("need 1 <= reconnectDelayMsMin <= reconnectDelayMsMax, connectTimeoutMs > 0");
        }
        if (livenessIntervalMs < 1 || peerSilenceMsMax < 2 * livenessIntervalMs) {
            throw new IllegalArgumentException("peerSilenceMsMax must cover at least two liveness intervals");
        }
    }
}
