package dev.cachai.zk.watch;

import dev.cachai.engine.zk.Acl;
import org.apache.zookeeper.proto.WatcherEvent;

import java.util.List;

/** A connection that receives watch events; {@link #deliver} must not block (it hands off to the channel's loop). */
public interface WatchSink {
    void deliver(List<WatcherEvent> events, long zxid);

    /**
     * A watch for this sink was registered. A sink that never had one cannot be owed an event, so
     * its replies need not wait for the watch dispatcher.
     */
    default void watchRegistered() {}

    /**
     * Whether this connection may read a node with {@code acl}: ZooKeeper delivers a watch event
     * only to a connection with READ on the node the event is about (a one-shot watch is used up
     * either way).
     */
    default boolean mayRead(List<Acl> acl) {
        return true;
    }

    /** Session id shown by the wchc/wchp four-letter words. */
    long sessionId();
}
