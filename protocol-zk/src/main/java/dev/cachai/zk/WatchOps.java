package dev.cachai.zk;

import dev.cachai.engine.Engine;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.zk.watch.EventType;
import dev.cachai.zk.watch.WatchKind;
import dev.cachai.zk.watch.WatchRegistry;
import org.apache.zookeeper.proto.WatcherEvent;

import java.util.ArrayList;
import java.util.List;

/** setWatches(2) after a reconnect, addWatch, removeWatches and checkWatches. */
final class WatchOps {
    private static final int TYPE_CHILDREN = 1;
    private static final int TYPE_DATA = 2;
    private static final int TYPE_ANY = 3;
    private static final int TYPE_PERSISTENT = 4;
    private static final int TYPE_RECURSIVE = 5;
    private static final int MODE_PERSISTENT = 0;
    private static final int MODE_RECURSIVE = 1;

    private final Engine engine;
    private final TreeView tree;
    private final WatchRegistry watches;

    WatchOps(Engine engine, TreeView tree, WatchRegistry watches) {
        this.engine = engine;
        this.tree = tree;
        this.watches = watches;
    }

    /**
     * Re-registers a reconnecting client's watches. What changed after {@code relZxid} (the last
     * zxid the client saw) fires at once, before the reply, as ZooKeeper's DataTree.setWatches does.
     */
    Reply setWatches(ZkConnection c, long relZxid, List<String> data, List<String> exist, List<String> child,
                     List<String> persistent, List<String> recursive) {
        long rev = engine.revision();
        List<WatcherEvent> fired = new ArrayList<>();
        for (String path : nonNull(data)) {
            watches.add(WatchKind.DATA, path, c, rev);
            ZkNode n = tree.node(path);
            if (n == null) {
                fire(c, WatchKind.DATA, EventType.NODE_DELETED, path, fired);
            } else if (n.stat().mzxid() > relZxid) {
                fire(c, WatchKind.DATA, EventType.NODE_DATA_CHANGED, path, fired);
            }
        }
        for (String path : nonNull(exist)) {
            watches.add(WatchKind.DATA, path, c, rev);
            if (tree.node(path) != null) {
                fire(c, WatchKind.DATA, EventType.NODE_CREATED, path, fired);
            }
        }
        for (String path : nonNull(child)) {
            watches.add(WatchKind.CHILD, path, c, rev);
            ZkNode n = tree.node(path);
            if (n == null) {
                fire(c, WatchKind.CHILD, EventType.NODE_DELETED, path, fired);
            } else if (n.stat().pzxid() > relZxid) {
                fire(c, WatchKind.CHILD, EventType.NODE_CHILDREN_CHANGED, path, fired);
            }
        }
        nonNull(persistent).forEach(p -> watches.add(WatchKind.PERSISTENT, p, c, rev));
        nonNull(recursive).forEach(p -> watches.add(WatchKind.RECURSIVE, p, c, rev));
        return new Reply(rev, 0, null, fired, false);
    }

    private void fire(ZkConnection c, WatchKind kind, int type, String path, List<WatcherEvent> fired) {
        watches.remove(kind, path, c);
        fired.add(new WatcherEvent(type, EventType.STATE_SYNC_CONNECTED, path));
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l;
    }

    Reply addWatch(ZkConnection c, String path, int mode) {
        long rev = engine.revision();
        if (mode == MODE_PERSISTENT) {
            watches.add(WatchKind.PERSISTENT, path, c, rev);
        } else if (mode == MODE_RECURSIVE) {
            watches.add(WatchKind.RECURSIVE, path, c, rev);
        } else {
            return Reply.error(rev, ZkCode.MARSHALLINGERROR); // ZooKeeper fails to read the mode
        }
        return Reply.ok(rev, new org.apache.zookeeper.proto.ErrorResponse(0)); // the 3.9 client reads this body
    }

    /** removeWatches ({@code remove}) or checkWatches: NOWATCHER when no matching watch exists. */
    Reply removeOrCheck(ZkConnection c, String path, int type, boolean remove) {
        if (type < TYPE_CHILDREN || type > TYPE_RECURSIVE) {
            return Reply.error(engine.revision(), ZkCode.MARSHALLINGERROR); // ZooKeeper fails to read the type
        }
        boolean found = false;
        for (WatchKind kind : kindsOf(type)) {
            boolean hit = remove ? watches.remove(kind, path, c) : watches.contains(kind, path, c);
            found |= hit;
        }
        return found ? Reply.ok(engine.revision(), null) : Reply.error(engine.revision(), ZkCode.NOWATCHER);
    }

    private static List<WatchKind> kindsOf(int type) {
        return switch (type) {
            case TYPE_CHILDREN -> List.of(WatchKind.CHILD);
            case TYPE_DATA -> List.of(WatchKind.DATA);
            case TYPE_ANY -> List.of(WatchKind.values());
            case TYPE_PERSISTENT -> List.of(WatchKind.PERSISTENT);
            case TYPE_RECURSIVE -> List.of(WatchKind.RECURSIVE);
            default -> List.of();
        };
    }
}
