package dev.cachai.engine.kv;

import dev.cachai.engine.zk.ZkTreeChange;

import java.util.List;

/**
 * Everything one committed revision changed, delivered at once so watchers see it atomically.
 * {@code treeChanges} adds what the key events alone do not say about the ZooKeeper tree (virtual
 * nodes appearing, vanishing, gaining or losing their key); it is empty for most revisions and in
 * changes read back from history.
 */
public record Change(long revision, long timeMs, List<Event> events, List<ZkTreeChange> treeChanges) {
    public Change {
        events = List.copyOf(events);
        treeChanges = List.copyOf(treeChanges);
    }

    public Change(long revision, long timeMs, List<Event> events) {
        this(revision, timeMs, events, List.of());
    }
}
