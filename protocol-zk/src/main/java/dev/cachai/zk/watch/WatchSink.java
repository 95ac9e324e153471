package dev.cachai.zk.watch;

import org.apache.zookeeper.proto.WatcherEvent;

import java.util.List;

/** A connection that receives watch events; {@link #deliver} must not block (it hands off to the channel's loop). */
public interface WatchSink {
    void deliver(List<WatcherEvent> events, long zxid);

    /** Session id shown by the wchc/wchp four-letter words. */
    long sessionId();
}
