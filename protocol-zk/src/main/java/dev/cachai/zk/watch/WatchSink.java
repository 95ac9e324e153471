package dev.cachai.zk.watch;

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

    /** Session id shown by the wchc/wchp four-letter words. */
    long sessionId();
}
