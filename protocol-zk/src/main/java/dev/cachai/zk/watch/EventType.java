package dev.cachai.zk.watch;

/** Watcher.Event.EventType and KeeperState values used on the wire. */
public final class EventType {
    public static final int NODE_CREATED = 1;
    public static final int NODE_DELETED = 2;
    public static final int NODE_DATA_CHANGED = 3;
    public static final int NODE_CHILDREN_CHANGED = 4;
    public static final int STATE_SYNC_CONNECTED = 3;

    private EventType() {}
}
