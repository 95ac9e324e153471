package dev.cachai.migration.zk;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Walks a live ZooKeeper tree with pipelined async reads. Every request costs a ZooKeeper server a trip through its
 * whole request pipeline, so nodes are read in batches: one multiRead carries getData and getChildren for up to
 * {@link #BATCH_NODES_MAX} nodes; the ACLs, which no multi can read, follow as one getACL per node. A batch goes to
 * the sink only once all its answers are back, and children are requested only after that, so the sink sees every
 * parent before its children.
 */
public final class ZkTreeReader {
    /** Nodes whose reads are on the wire at once. */
    static final int NODES_INFLIGHT_MAX = 4_000;
    /**
     * Nodes per multiRead. A reply holds up to this many values of at most 1 MiB (the server's jute.maxbuffer)
     * plus their child lists: well under the client's {@link ZkConnect#CLIENT_PACKET_BYTES_MAX}.
     */
    static final int BATCH_NODES_MAX = 32;
    /** Paths known but not yet requested (a breadth-first frontier); more than this and the walk stops. */
    static final int FRONTIER_PATHS_MAX = 20_000_000;
    static final long POLL_INTERVAL_MS = 50;
    static final long PROBE_TIMEOUT_MS = 10_000;

    private final ZooKeeper zk;
    private final Report report;
    private final Semaphore inflight = new Semaphore(NODES_INFLIGHT_MAX);
    private final LinkedBlockingQueue<String> frontier = new LinkedBlockingQueue<>(FRONTIER_PATHS_MAX);
    /** Paths in the frontier or in flight: the walk is over when this reaches zero. */
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private NodeSink sink;

    public ZkTreeReader(ZooKeeper zk, Report report) {
        this.zk = zk;
        this.report = report;
    }

    /** Reads the subtree at {@code root} (without ZooKeeper's own /zookeeper) into {@code sink}. */
    public void walk(String root, NodeSink sink) throws InterruptedException {
        this.sink = sink;
        probeMultiRead(root);
        enqueue(root);
        List<String> paths = new ArrayList<>(BATCH_NODES_MAX);
        while (pending.get() > 0 && failure.get() == null) {
            String first = frontier.poll(POLL_INTERVAL_MS, TimeUnit.MILLISECONDS);
            if (first == null) {
                continue;
            }
            paths.add(first);
            frontier.drainTo(paths, BATCH_NODES_MAX - 1);
            while (!inflight.tryAcquire(paths.size(), POLL_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
                throwIfFailed();
            }
            new BatchRead(List.copyOf(paths)).start();
            paths.clear();
        }
        throwIfFailed();
    }

    /**
     * multiRead came with ZooKeeper 3.6; an older server would drop the connection on it. One small multiRead up
     * front turns that into a clear message instead of a lost connection in the middle of the copy.
     */
    private void probeMultiRead(String root) throws InterruptedException {
        CompletableFuture<List<OpResult>> answer = new CompletableFuture<>();
        zk.multi(List.of(Op.getData(root)), (rc, path, ctx, results) -> answer.complete(results), null);
        List<OpResult> results;
        try {
            results = answer.get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            results = null;
        }
        if (results == null) {
            throw new MigrationException("the source ZooKeeper does not answer multiRead (ZooKeeper 3.6 or later "
                    + "is needed); read an older server's data directory offline with zkdata:DIR");
        }
    }

    private void enqueue(String path) {
        pending.incrementAndGet();
        if (!frontier.offer(path)) {
            fail(new MigrationException("more than " + FRONTIER_PATHS_MAX + " paths waiting to be read"));
        }
    }

    private void fail(RuntimeException e) {
        failure.compareAndSet(null, e);
    }

    private void throwIfFailed() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    /** The reads of one batch of nodes; callbacks all run on the client's single event thread. */
    private final class BatchRead {
        final List<String> paths;
        final List<List<ACL>> acls;
        final KeeperException.Code[] aclErrors;
        /** The getACL answers plus the multiRead answer still to come. */
        int outstanding;
        List<OpResult> results;
        KeeperException.Code batchError;

        BatchRead(List<String> paths) {
            this.paths = paths;
            this.acls = new ArrayList<>(paths.size());
            this.aclErrors = new KeeperException.Code[paths.size()];
            this.outstanding = paths.size() + 1;
        }

        void start() {
            List<Op> ops = new ArrayList<>(2 * paths.size());
            for (int i = 0; i < paths.size(); i++) {
                int index = i;
                acls.add(null);
                zk.getACL(paths.get(i), null, (rc, p, ctx, acl, stat) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        acls.set(index, acl);
                    } else {
                        aclErrors[index] = KeeperException.Code.get(rc);
                    }
                    arrived();
                }, null);
                ops.add(Op.getData(paths.get(i)));
                ops.add(Op.getChildren(paths.get(i)));
            }
            zk.multi(ops, (rc, p, ctx, opResults) -> {
                results = opResults;
                if (opResults == null) {
                    batchError = KeeperException.Code.get(rc);
                }
                arrived();
            }, null);
        }

        void arrived() {
            if (--outstanding > 0) {
                return;
            }
            try {
                if (batchError != null) {
                    throw new MigrationException("reading from the source failed: " + batchError);
                }
                for (int i = 0; i < paths.size(); i++) {
                    finish(i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(new MigrationException("interrupted"));
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                inflight.release(paths.size());
                pending.addAndGet(-paths.size());
            }
        }

        void finish(int i) throws InterruptedException {
            String path = paths.get(i);
            OpResult data = results.get(2 * i);
            OpResult children = results.get(2 * i + 1);
            KeeperException.Code error = firstError(aclErrors[i], data, children);
            if (error == KeeperException.Code.NONODE) {
                report.count(Report.Count.VANISHED);
                return;
            }
            if (error == KeeperException.Code.NOAUTH) {
                report.issue(Report.Count.HIDDEN, "hidden: " + path + " (NOAUTH on read; it and its subtree were not copied)");
                return;
            }
            if (error != null) {
                throw new MigrationException("reading " + path + " from the source failed: " + error);
            }
            OpResult.GetDataResult value = (OpResult.GetDataResult) data;
            report.count(Report.Count.READ);
            sink.accept(ZkNode.of(path, value.getData(), acls.get(i), value.getStat()));
            for (String name : ((OpResult.GetChildrenResult) children).getChildren()) {
                if (!(path.equals("/") && name.equals("zookeeper"))) {
                    enqueue(child(path, name));
                }
            }
        }
    }

    private static KeeperException.Code firstError(KeeperException.Code aclError, OpResult... results) {
        if (aclError != null) {
            return aclError;
        }
        for (OpResult r : results) {
            if (r instanceof OpResult.ErrorResult) {
                return KeeperException.Code.get(((OpResult.ErrorResult) r).getErr());
            }
        }
        return null;
    }
}
