package dev.cachai.migration.zk;

import dev.cachai.migration.Report;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node that already exists in the target: leave it when identical, else set its data and ACL. Its kind cannot be
 * changed in place (that would mean deleting a subtree), so a different kind is reported, not fixed.
 */
final class Overwrite {
    private final ZooKeeper zk;
    private final Report report;
    private final ZkNode source;
    private final Runnable done;
    private final AtomicInteger outstanding = new AtomicInteger(2);
    private volatile byte[] data;
    private volatile Stat stat;
    private volatile List<ACL> acl;
    private volatile KeeperException.Code error;

    Overwrite(ZooKeeper zk, Report report, ZkNode source, Runnable done) {
        this.zk = zk;
        this.report = report;
        this.source = source;
        this.done = done;
    }

    void start() {
        zk.getData(source.path(), false, (rc, p, ctx, bytes, s) -> {
            if (ok(rc)) {
                data = bytes == null ? new byte[0] : bytes;
                stat = s;
            }
            readDone();
        }, null);
        zk.getACL(source.path(), null, (rc, p, ctx, a, s) -> {
            if (ok(rc)) {
                acl = a;
            }
            readDone();
        }, null);
    }

    private boolean ok(int rc) {
        if (rc != KeeperException.Code.OK.intValue()) {
            error = KeeperException.Code.get(rc);
            return false;
        }
        return true;
    }

    private void readDone() {
        if (outstanding.decrementAndGet() > 0) {
            return;
        }
        if (error != null) {
            String why = error == KeeperException.Code.NONODE ? "NOAUTH on create (the target parent's ACL forbids it)"
                    : error.toString();
            report.issue(Report.Count.FAILED, "failed: " + source.path() + ": " + why);
            done.run();
            return;
        }
        ZkNode existing = ZkNode.of(source.path(), data, acl, stat);
        if (existing.kind() != source.kind() || existing.ttlMs() != source.ttlMs()) {
            report.issue(Report.Count.FAILED, "kind differs: " + source.path() + " is " + existing.kind()
                    + " in the target, " + source.kind() + " in the source (delete it in the target and re-run)");
            done.run();
            return;
        }
        boolean dataSame = Arrays.equals(existing.data(), source.data());
        // A deferred ACL is set by the final ACL pass; comparing it now would undo the open creation ACL too early.
        boolean aclSame = TargetNode.aclDeferred(source) || existing.acl().equals(source.acl());
        if (dataSame && aclSame) {
            report.count(Report.Count.IDENTICAL);
            done.run();
            return;
        }
        write(dataSame, aclSame);
    }

    private void write(boolean dataSame, boolean aclSame) {
        AtomicInteger writes = new AtomicInteger((dataSame ? 0 : 1) + (aclSame ? 0 : 1));
        AtomicInteger failures = new AtomicInteger();
        Runnable oneDone = () -> {
            if (writes.decrementAndGet() == 0) {
                if (failures.get() == 0) {
                    report.count(Report.Count.UPDATED);
                }
                done.run();
            }
        };
        if (!dataSame) {
            zk.setData(source.path(), source.data(), -1, (rc, p, ctx, s) -> {
                check(rc, "setData", failures);
                oneDone.run();
            }, null);
        }
        if (!aclSame) {
            zk.setACL(source.path(), source.acl(), -1, (rc, p, ctx, s) -> {
                check(rc, "setACL", failures);
                oneDone.run();
            }, null);
        }
    }

    private void check(int rc, String what, AtomicInteger failures) {
        if (rc != KeeperException.Code.OK.intValue()) {
            failures.incrementAndGet();
            report.issue(Report.Count.FAILED, "failed: " + what + " " + source.path() + ": " + KeeperException.Code.get(rc));
        }
    }
}
