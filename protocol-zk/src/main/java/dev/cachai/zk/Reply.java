package dev.cachai.zk;

import org.apache.jute.Record;
import org.apache.zookeeper.proto.WatcherEvent;

import java.util.List;

/**
 * The answer to one request: header fields, an optional body (ZooKeeper sends only the header on
 * error), events that must precede it (setWatches), and whether the connection closes after it.
 */
public record Reply(long zxid, int err, Record body, List<WatcherEvent> eventsBefore, boolean closeAfter) {
    public static Reply ok(long zxid, Record body) {
        return new Reply(zxid, 0, body, List.of(), false);
    }

    public static Reply error(long zxid, int err) {
        return new Reply(zxid, err, null, List.of(), false);
    }

    public Reply closing() {
        return new Reply(zxid, err, body, eventsBefore, true);
    }
}
