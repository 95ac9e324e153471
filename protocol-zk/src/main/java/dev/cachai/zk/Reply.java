package dev.cachai.zk;

import dev.cachai.engine.ZkCode;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.WatcherEvent;

import java.util.List;

/**
 * The answer to one request: header fields, an optional body (ZooKeeper sends only the header on
 * error), events that must precede it (setWatches), whether the connection closes after it, and
 * whether it is sent at all (a request through a connection its session left gets none).
 */
public record Reply(long zxid, int err, Record body, List<WatcherEvent> eventsBefore, boolean closeAfter,
                    boolean unsent) {
    public Reply(long zxid, int err, Record body, List<WatcherEvent> eventsBefore, boolean closeAfter) {
        this(zxid, err, body, eventsBefore, closeAfter, false);
    }

    public static Reply ok(long zxid, Record body) {
        return new Reply(zxid, 0, body, List.of(), false);
    }

    public static Reply error(long zxid, int err) {
        return new Reply(zxid, err, null, List.of(), false);
    }

    /**
     * The session moved to another member: ZooKeeper 3.9 answers nothing and closes the
     * connection once earlier replies are out (its client then reports a connection loss).
     */
    public static Reply sessionMoved(long zxid) {
        return new Reply(zxid, ZkCode.SESSIONMOVED, null, List.of(), true, true);
    }

    public Reply closing() {
        return new Reply(zxid, err, body, eventsBefore, true, unsent);
    }
}
