package dev.cachai.server.transport;

/** Where frames from peers go; called on a transport thread, so it must only hand them over. */
@FunctionalInterface
public interface PeerInbox {
    void deliver(int fromNodeId, PeerFrame frame);
}
