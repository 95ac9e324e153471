package dev.cachai.zk.watch;

import dev.cachai.engine.ChangeListener;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkTreeChange;
import org.apache.zookeeper.proto.WatcherEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;

/**
 * Turns the engine's committed changes into ZooKeeper watch events on one thread. The engine's
 * apply thread only enqueues; when the queue is full it waits (backpressure on commits) rather
 * than lose events. Replies wait on {@link #whenDispatched} so that an event for revision R
 * leaves before a reply that observed R. A change made while nothing is watched anywhere is
 * passed over on the apply thread instead, so a write load without watches does not wake the
 * dispatcher thread for every commit (two threads waking per write on two cores).
 */
public final class ChangeDispatcher implements ChangeListener, AutoCloseable {
    private record Waiter(long revision, Runnable action) {}

    /** The ACL a watch event is checked against ({@code Engine#zkAclForEvent}); null: anyone may read. */
    @FunctionalInterface
    public interface EventAcls {
        List<Acl> of(String path, long revision);
    }

    /** Changes taken from the queue at once (one lock round trip instead of one per change). */
    private static final int CHANGES_PER_BATCH_MAX = 256;

    private final WatchRegistry registry;
    private final EventAcls acls;
    private final BlockingQueue<Change> queue;
    private final Thread thread;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.revision, b.revision));
    /** The newest revision told: replies that may have observed it wait until it is dispatched. */
    private volatile long enqueuedRevision;
    /** Guarded by {@link #waiters}. */
    private long dispatchedRevision;
    /** The newest change handed to the dispatcher thread (apply thread only). */
    private long queuedRevision;
    /** The change told and not yet visible (apply thread only). */
    private Change heard;
    private volatile boolean closed;

    /**
     * @param visibleRevision the revision reads see now (the engine's), where dispatching starts
     * @param acls            what each event's node lets read, as ZooKeeper filters events by READ
     */
    public ChangeDispatcher(WatchRegistry registry, int changesQueuedMax, LongSupplier visibleRevision,
                            EventAcls acls) {
        this.registry = registry;
        this.acls = acls;
        long startRevision = visibleRevision.getAsLong();
        this.queue = new ArrayBlockingQueue<>(changesQueuedMax);
        this.enqueuedRevision = startRevision;
        this.dispatchedRevision = startRevision;
        this.queuedRevision = startRevision;
        this.thread = new Thread(this::run, "zk-watch-dispatch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Told before reads see the revision: from here a reply that may observe it waits for its
     * events. The change itself is handled once it is visible (see {@link #onVisible}).
     */
    @Override
    public void onChange(Change change) {
        heard = change;
        enqueuedRevision = change.revision();
    }

    /**
     * Reads see the revision now, so whether anything is watched is decided as the dispatcher
     * thread would decide it (a read that arms a watch from here on sees this revision, or
     * notices it moved and reads again). With nothing watched and nothing queued before it, the
     * change is passed over here; otherwise it goes to the dispatcher thread, in order: one thread
     * given work.
     */
    @Override
    public int onVisible(long revision) {
        Change change = heard;
        heard = null;
        if (change == null || change.revision() != revision) {
            return 0;
        }
        if (registry.isEmpty() && passOver(revision)) {
            return 0;
        }
        try {
            if (!queue.offer(change)) {
                queue.put(change);
            }
            queuedRevision = revision;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 1;
    }

    /** Marks {@code revision} dispatched if every queued change already is; false otherwise. */
    private boolean passOver(long revision) {
        synchronized (waiters) {
            if (dispatchedRevision < queuedRevision) {
                return false;
            }
        }
        release(revision);
        return true;
    }

    /** The newest revision handed to the dispatcher thread; those passed over are not (apply thread only). */
    long queuedRevision() {
        return queuedRevision;
    }

    /** Runs {@code action} once every change enqueued so far has been dispatched. */
    public void whenDispatched(Runnable action) {
        long target = enqueuedRevision;
        synchronized (waiters) {
            if (dispatchedRevision < target) {
                waiters.add(new Waiter(target, action));
                return;
            }
        }
        action.run();
    }

    private void run() {
        List<Change> batch = new ArrayList<>(CHANGES_PER_BATCH_MAX);
        while (!closed) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch, CHANGES_PER_BATCH_MAX - 1);
                for (Change c : batch) {
                    dispatchLogged(c);
                    release(c.revision());
                }
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs the replies waiting for revisions up to {@code revision}, now dispatched. */
    private void release(long revision) {
        List<Runnable> ready = null;
        synchronized (waiters) {
            dispatchedRevision = revision;
            while (!waiters.isEmpty() && waiters.peek().revision <= dispatchedRevision) {
                if (ready == null) {
                    ready = new ArrayList<>();
                }
                ready.add(waiters.poll().action);
            }
        }
        if (ready != null) {
            ready.forEach(Runnable::run);
        }
    }

    /** A change that fails to dispatch is logged; the replies behind it must still go out. */
    private void dispatchLogged(Change c) {
        try {
            dispatch(c);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ChangeDispatcher.class).error("watch dispatch failed", e);
        }
    }

    private void dispatch(Change c) {
        if (registry.isEmpty()) {
            return; // nothing to fire: skip building the events (see WatchRegistry#isEmpty)
        }
        List<PathEvent> events = toPathEvents(c);
        if (events.isEmpty()) {
            return;
        }
        long rev = c.revision();
        Map<WatchSink, List<WatcherEvent>> fired = registry.fire(events, rev, e -> acls.of(e.path(), rev));
        fired.forEach((sink, list) -> sink.deliver(list, c.revision()));
    }

    /**
     * Creates fire NodeCreated + parent NodeChildrenChanged, deletes NodeDeleted + parent
     * NodeChildrenChanged, as ZooKeeper's tree does. Virtual nodes (paths without a key, made by
     * etcd writes) follow what getChildren and exists show: one that appears or vanishes with its
     * last descendant fires like a create or delete, and a key created for a virtual node or
     * deleted from a node that keeps children fires NodeDataChanged only (the node stays).
     */
    static List<PathEvent> toPathEvents(Change c) {
        List<PathEvent> out = new ArrayList<>();
        List<ZkTreeChange> tree = c.treeChanges();
        int nextTree = 0;
        for (int i = 0; i < c.events().size(); i++) {
            Event e = c.events().get(i);
            boolean reshaped = false;
            int firstTree = nextTree;
            while (nextTree < tree.size() && tree.get(nextTree).eventIndex() == i) {
                ZkTreeChange.Kind kind = tree.get(nextTree).kind();
                reshaped |= kind == ZkTreeChange.Kind.BECAME_REAL || kind == ZkTreeChange.Kind.BECAME_VIRTUAL;
                nextTree++;
            }
            addKeyEvent(out, e, reshaped);
            for (int t = firstTree; t < nextTree; t++) {
                addTreeEvent(out, tree.get(t));
            }
        }
        return out;
    }

    private static void addKeyEvent(List<PathEvent> out, Event e, boolean reshaped) {
        byte[] key = e.type() == Event.Type.PUT ? e.kv().key() : e.prevKv() != null ? e.prevKv().key() : e.kv().key();
        if (ZkPaths.isRootDataKey(key)) {
            out.add(new PathEvent(EventType.NODE_DATA_CHANGED, "/")); // the root's data (see ZkView)
            return;
        }
        if (!ZkPaths.isNodeKey(key)) {
            return;
        }
        String path = new String(key, StandardCharsets.UTF_8);
        if (ZkPaths.existsFromStart(path)) {
            // Stored lazily, so clients see these nodes as always there: their storing is no
            // event; a later write of their data is.
            if (e.type() == Event.Type.PUT && !e.isCreate() && !reshaped) {
                out.add(new PathEvent(EventType.NODE_DATA_CHANGED, path));
            }
            return;
        }
        if (reshaped) {
            out.add(new PathEvent(EventType.NODE_DATA_CHANGED, path));
        } else if (e.type() == Event.Type.DELETE) {
            addExistenceChange(out, EventType.NODE_DELETED, path);
        } else if (e.isCreate()) {
            addExistenceChange(out, EventType.NODE_CREATED, path);
        } else {
            out.add(new PathEvent(EventType.NODE_DATA_CHANGED, path));
        }
    }

    private static void addTreeEvent(List<PathEvent> out, ZkTreeChange t) {
        if (ZkPaths.existsFromStart(t.path())) {
            return;
        }
        if (t.kind() == ZkTreeChange.Kind.APPEARED) {
            addExistenceChange(out, EventType.NODE_CREATED, t.path());
        } else if (t.kind() == ZkTreeChange.Kind.VANISHED) {
            addExistenceChange(out, EventType.NODE_DELETED, t.path());
        }
    }

    private static void addExistenceChange(List<PathEvent> out, int type, String path) {
        out.add(new PathEvent(type, path));
        out.add(new PathEvent(EventType.NODE_CHILDREN_CHANGED, ZkPaths.parent(path)));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
