package dev.cachai.compat.zk;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Curator 5.9 recipes, several clients each, against Cachai. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CuratorRecipesTest {
    private ZkTargets.Target cachai;
    private final List<CuratorFramework> clients = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        cachai = ZkTargets.cachai();
    }

    @AfterAll
    void stop() {
        clients.forEach(CuratorFramework::close);
        cachai.close();
    }

    private CuratorFramework client() throws Exception {
        CuratorFramework c = CuratorFrameworkFactory.newClient(cachai.connectString(), 10_000, 5_000, new RetryOneTime(100));
        c.start();
        assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        clients.add(c);
        return c;
    }

    @Test
    void mutexExcludes() throws Exception {
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            InterProcessMutex mutex = new InterProcessMutex(client(), "/recipes/mutex");
            Thread th = new Thread(() -> {
                try {
                    for (int round = 0; round < 5; round++) {
                        assertThat(mutex.acquire(10, TimeUnit.SECONDS)).isTrue();
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        holders.decrementAndGet();
                        mutex.release();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(30_000);
        }
        assertThat(maxHolders.get()).isEqualTo(1);
    }

    @Test
    void leaderLatchElectsOneAndFailsOver() throws Exception {
        LeaderLatch a = new LeaderLatch(client(), "/recipes/latch", "a");
        LeaderLatch b = new LeaderLatch(client(), "/recipes/latch", "b");
        a.start();
        b.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.hasLeadership() ^ b.hasLeadership());
        LeaderLatch leader = a.hasLeadership() ? a : b;
        LeaderLatch follower = leader == a ? b : a;
        leader.close();
        await().atMost(10, TimeUnit.SECONDS).until(follower::hasLeadership);
        follower.close();
    }

    @Test
    void curatorCacheFollowsTheTree() throws Exception {
        CuratorFramework writer = client();
        CuratorCache cache = CuratorCache.build(client(), "/recipes/cache");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(n -> seen.add("created " + n.getPath()))
                .forChanges((o, n) -> seen.add("changed " + n.getPath() + " " + new String(n.getData())))
                .forDeletes(n -> seen.add("deleted " + n.getPath()))
                .forInitialized(() -> seen.add("initialized")).build());
        cache.start();
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(seen).contains("initialized"));
        // One change at a time: the cache reads a node after its event, so a change racing the
        // next one may be seen only in its final state (ZooKeeper behaves the same).
        writer.create().creatingParentContainersIfNeeded().forPath("/recipes/cache/x/y", "1".getBytes());
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(seen).contains("created /recipes/cache/x/y"));
        writer.setData().forPath("/recipes/cache/x/y", "2".getBytes());
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(seen).contains("changed /recipes/cache/x/y 2"));
        writer.delete().forPath("/recipes/cache/x/y");
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(seen).contains("deleted /recipes/cache/x/y"));
        cache.close();
    }
}
