package dev.cachai.migration.zk;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Walks a live ZooKeeper tree with pipelined async reads: getData and getACL for every node, getChildren only where
 * the stat says there are children. A node goes to the sink only once all its reads are back, and its children are
 * requested only after that, so the sink sees every parent before its children.
 */
public final class ZkTreeReader {
    /** Nodes whose reads are on the wire at once; each is two or three requests. */
    static final int NODES_INFLIGHT_MAX = 1_000;
    /** Paths known but not yet requested (a breadth-first frontier); more than this and the walk stops. */
    static final int FRONTIER_PATHS_MAX = 20_000_000;
    static final long POLL_INTERVAL_MS = 50;

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
        enqueue(root);
        while (pending.get() > 0 && failure.get() == null) {
            String path = frontier.poll(POLL_INTERVAL_MS, TimeUnit.MILLISECONDS);
            if (path == null) {
                continue;
            }
            while (!inflight.tryAcquire(POLL_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    throw failure.get();
                }
            }
            new Visit(path).start();
        }
        if (failure.get() != null) {
            throw failure.get();
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

    static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    /** The reads of one node; callbacks all run on the client's single event thread. */
    private final class Visit {
        final String path;
        final AtomicInteger outstanding = new AtomicInteger(2);
        byte[] data;
        Stat stat;
        List<ACL> acl;
        List<String> children = List.of();
        volatile KeeperException.Code error;

        Visit(String path) {
            this.path = path;
        }

        void start() {
            zk.getData(path, false, (rc, p, ctx, bytes, s) -> {
                if (ok(rc)) {
                    data = bytes;
                    stat = s;
                    if (s.getNumChildren() > 0) {
                        outstanding.incrementAndGet();
                        zk.getChildren(path, false, (rc2, p2, ctx2, names) -> {
                            if (ok(rc2)) {
                                children = names;
                            }
                            done();
                        }, null);
                    }
                }
                done();
            }, null);
            zk.getACL(path, null, (rc, p, ctx, a, s) -> {
                if (ok(rc)) {
                    acl = a;
                }
                done();
            }, null);
        }

        boolean ok(int rc) {
            KeeperException.Code code = KeeperException.Code.get(rc);
            if (code != KeeperException.Code.OK && error == null) {
                error = code;
            }
            return code == KeeperException.Code.OK;
        }

        void done() {
            if (outstanding.decrementAndGet() > 0) {
                return;
            }
            try {
                finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(new MigrationException("interrupted"));
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                inflight.release();
                pending.decrementAndGet();
            }
        }

        void finish() throws InterruptedException {
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
            report.count(Report.Count.READ);
            sink.accept(ZkNode.of(path, data, acl, stat));
            for (String name : children) {
                if (!(path.equals("/") && name.equals("zookeeper"))) {
                    enqueue(child(path, name));
                }
            }
        }
    }
}
