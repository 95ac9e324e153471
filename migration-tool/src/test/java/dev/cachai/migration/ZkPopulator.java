package dev.cachai.migration;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Fills a source ZooKeeper with the shapes a migration must keep. */
final class ZkPopulator {
    /** Creates in flight while filling a big tree. */
    static final int CREATES_INFLIGHT_MAX = 2_000;

    private ZkPopulator() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code parents} × {@code perParent} leaves under {@code root}, two levels deep, created with pipelined async calls. */
    static void tree(ZooKeeper zk, String root, int parents, int perParent) throws Exception {
        zk.create(root, bytes("root"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Semaphore permits = new Semaphore(CREATES_INFLIGHT_MAX);
        AtomicInteger errors = new AtomicInteger();
        for (int p = 0; p < parents; p++) {
            String parent = root + "/p" + p;
            create(zk, permits, errors, parent, bytes("parent " + p));
            for (int c = 0; c < perParent; c++) {
                create(zk, permits, errors, parent + "/c" + c, bytes("value " + p + "/" + c));
            }
        }
        permits.acquire(CREATES_INFLIGHT_MAX);
        permits.release(CREATES_INFLIGHT_MAX);
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " creates failed");
        }
    }

    private static void create(ZooKeeper zk, Semaphore permits, AtomicInteger errors, String path, byte[] data)
            throws InterruptedException {
        permits.acquire();
        zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> {
            if (rc != KeeperException.Code.OK.intValue()) {
                errors.incrementAndGet();
            }
            permits.release();
        }, null);
    }

    /** ACLs, sequence counters with gaps, containers, TTL nodes and a large value, under {@code root}. */
    static void shapes(ZooKeeper zk, String root) throws Exception {
        zk.create(root + "/secure", bytes("alice only"), ZooDefs.Ids.CREATOR_ALL_ACL,
                CreateMode.PERSISTENT);
        zk.create(root + "/secure/inner", bytes("in"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        zk.create(root + "/readonly", bytes("ro"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/readonly/child", bytes("c"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.setACL(root + "/readonly", ZooDefs.Ids.READ_ACL_UNSAFE, -1);
        zk.create(root + "/queue", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 5; i++) {
            zk.create(root + "/queue/item-", bytes("job " + i), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
        }
        zk.delete(root + "/queue/item-0000000000", -1);
        zk.delete(root + "/queue/item-0000000003", -1);
        zk.create(root + "/container", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
        zk.create(root + "/container/member", bytes("m"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(root + "/ttl", bytes("t"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, new org.apache.zookeeper.data.Stat(), 600_000);
        zk.create(root + "/blob", new byte[200_000], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
}
