package dev.cachai.zk.watch;

import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkPaths;
import org.apache.zookeeper.proto.WatcherEvent;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every watch of this node's connections, per kind and path. A watch remembers the revision it was
 * registered at and only fires for later revisions: it is registered at the revision its read
 * saw, so a change the read already saw never fires it, and a change after the read always does.
 * Watch dispatch runs behind commits, so a client may set a watch again before an older change
 * fired the same watch: the watch then stays armed for changes after the newer registration.
 * One lock guards everything; event matching is a few map lookups per changed path.
 */
public final class WatchRegistry {
    /**
     * A registered watch: it fires for changes after {@code first}; a one-shot watch registered
     * again at {@code latest} before it fired fires once more for changes after {@code latest}.
     */
    private record Armed(long first, long latest) {
        Armed renewedAt(long revision) {
            return new Armed(first, Math.max(latest, revision));
        }

        /** What is left after firing at {@code revision}, or null. */
        Armed afterFiring(long revision) {
            return latest >= revision ? new Armed(latest, latest) : null;
        }
    }

    private final Map<WatchKind, Map<String, Map<WatchSink, Armed>>> watches = new EnumMap<>(WatchKind.class);
    private int recursiveCount;
    /**
     * Armed watches of every kind. Volatile so the dispatcher can skip a change without the lock
     * when nothing is watched (a write-only load pays no event work); see {@link #isEmpty}.
     */
    private volatile int armedCount;

    public WatchRegistry() {
        for (WatchKind k : WatchKind.values()) {
            watches.put(k, new HashMap<>());
        }
    }

    /** Adds a watch seen by changes after {@code afterRevision}; false when the same watch existed. */
    public synchronized boolean add(WatchKind kind, String path, WatchSink sink, long afterRevision) {
        sink.watchRegistered();
        Map<WatchSink, Armed> sinks = watches.get(kind).computeIfAbsent(path, p -> new HashMap<>());
        Armed old = sinks.get(sink);
        if (old != null) {
            sinks.put(sink, old.renewedAt(afterRevision));
            return false;
        }
        sinks.put(sink, new Armed(afterRevision, afterRevision));
        armedCount++;
        if (kind == WatchKind.RECURSIVE) {
            recursiveCount++;
        }
        return true;
    }

    public synchronized boolean remove(WatchKind kind, String path, WatchSink sink) {
        Map<WatchSink, Armed> sinks = watches.get(kind).get(path);
        if (sinks == null || sinks.remove(sink) == null) {
            return false;
        }
        armedCount--;
        if (sinks.isEmpty()) {
            watches.get(kind).remove(path);
        }
        if (kind == WatchKind.RECURSIVE) {
            recursiveCount--;
        }
        return true;
    }

    public synchronized boolean contains(WatchKind kind, String path, WatchSink sink) {
        Map<WatchSink, Armed> sinks = watches.get(kind).get(path);
        return sinks != null && sinks.containsKey(sink);
    }

    public synchronized void removeAll(WatchSink sink) {
        for (WatchKind kind : WatchKind.values()) {
            Iterator<Map.Entry<String, Map<WatchSink, Armed>>> it = watches.get(kind).entrySet().iterator();
            while (it.hasNext()) {
                Map<WatchSink, Armed> sinks = it.next().getValue();
                if (sinks.remove(sink) != null) {
                    armedCount--;
                    if (kind == WatchKind.RECURSIVE) {
                        recursiveCount--;
                    }
                }
                if (sinks.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    /**
     * The events one revision fires, grouped by connection in firing order; one-shot watches are
     * consumed. An event goes only to connections that may read its node's ACL ({@code aclOf},
     * asked only for events some watch matched; null: anyone may).
     */
    public synchronized Map<WatchSink, List<WatcherEvent>> fire(List<PathEvent> events, long revision,
                                                               Function<PathEvent, List<Acl>> aclOf) {
        Map<WatchSink, List<WatcherEvent>> out = new LinkedHashMap<>();
        for (PathEvent e : events) {
            List<WatchKind> kinds = kindsFor(e.type());
            Map<WatchSink, Boolean> hit = new LinkedHashMap<>();
            for (WatchKind kind : kinds) {
                collect(kind, e.path(), revision, hit);
            }
            if (e.type() != EventType.NODE_CHILDREN_CHANGED && recursiveCount > 0) {
                for (String p = e.path(); ; p = ZkPaths.parent(p)) {
                    collect(WatchKind.RECURSIVE, p, revision, hit);
                    if (p.equals("/")) {
                        break;
                    }
                }
            }
            List<Acl> acl = hit.isEmpty() ? null : aclOf.apply(e);
            for (WatchSink sink : hit.keySet()) {
                if (acl == null || sink.mayRead(acl)) {
                    out.computeIfAbsent(sink, s -> new ArrayList<>())
                            .add(new WatcherEvent(e.type(), EventType.STATE_SYNC_CONNECTED, e.path()));
                }
            }
        }
        return out;
    }

    private static List<WatchKind> kindsFor(int type) {
        return switch (type) {
            case EventType.NODE_CREATED, EventType.NODE_DATA_CHANGED -> List.of(WatchKind.DATA, WatchKind.PERSISTENT);
            case EventType.NODE_DELETED -> List.of(WatchKind.DATA, WatchKind.CHILD, WatchKind.PERSISTENT);
            default -> List.of(WatchKind.CHILD, WatchKind.PERSISTENT);
        };
    }

    private void collect(WatchKind kind, String path, long revision, Map<WatchSink, Boolean> hit) {
        Map<WatchSink, Armed> sinks = watches.get(kind).get(path);
        if (sinks == null) {
            return;
        }
        boolean oneShot = kind == WatchKind.DATA || kind == WatchKind.CHILD;
        Iterator<Map.Entry<WatchSink, Armed>> it = sinks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<WatchSink, Armed> w = it.next();
            if (w.getValue().first() >= revision) {
                continue;
            }
            hit.put(w.getKey(), Boolean.TRUE);
            if (oneShot) {
                Armed left = w.getValue().afterFiring(revision);
                if (left == null) {
                    it.remove();
                    armedCount--;
                } else {
                    w.setValue(left);
                }
            }
        }
        if (sinks.isEmpty()) {
            watches.get(kind).remove(path);
        }
    }

    /** Paths watched per connection (wchc) or connections per path (wchp), for the admin words. */
    public synchronized Map<String, TreeSet<Long>> sessionsByPath() {
        Map<String, TreeSet<Long>> out = new TreeMap<>();
        for (Map<String, Map<WatchSink, Armed>> byPath : watches.values()) {
            byPath.forEach((path, sinks) -> sinks.keySet().forEach(
                    s -> out.computeIfAbsent(path, p -> new TreeSet<>()).add(s.sessionId())));
        }
        return out;
    }

    public int watchCount() {
        return armedCount;
    }

    /**
     * True when no watch is armed. A read registers its watch before it checks whether the
     * revision moved past the one it read, and the dispatcher asks this only once a change's
     * revision is visible; so either the dispatcher sees the watch, or the read sees the new
     * revision and reads again.
     */
    public boolean isEmpty() {
        return armedCount == 0;
    }
}
