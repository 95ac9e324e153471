package dev.cachai.compat.zk;

import dev.cachai.compat.TcpProxy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
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

/** More Curator 5.9 recipes, several clients each, against Cachai. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CuratorCoordinationTest {
    private static final int WAIT_S = 10;
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int CONNECTION_TIMEOUT_MS = 5_000;
    /** Enough contended rounds to have caught a watch lost between commit and dispatch. */
    private static final int SEMAPHORE_ROUNDS = 20;

    private ZkTargets.Target cachai;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        cachai = ZkTargets.cachai();
    }

    @AfterAll
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        cachai.close();
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private CuratorFramework client() throws Exception {
        return client(cachai.connectString());
    }

    private CuratorFramework client(String connectString) throws Exception {
        CuratorFramework c = CuratorFrameworkFactory.newClient(connectString, SESSION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS,
                new RetryOneTime(100));
        c.start();
        assertThat(c.blockUntilConnected(WAIT_S, TimeUnit.SECONDS)).isTrue();
        return closeLater(c);
    }

    /** Runs {@code body} on {@code n} threads and fails if any of them throws. */
    private static void concurrently(int n, ThrowingIntConsumer body) throws InterruptedException {
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    body.accept(index);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(3L * WAIT_S));
        }
        assertThat(failures).isEmpty();
    }

    interface ThrowingIntConsumer {
        void accept(int i) throws Exception;
    }

    @Test
    void leaderSelectorGivesLeadershipToOneAtATime() throws Exception {
        int candidates = 3;
        AtomicInteger leading = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Set<String> led = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < candidates; i++) {
            String id = "c" + i;
            LeaderSelector s = new LeaderSelector(client(), "/recipes/selector", new LeaderSelectorListenerAdapter() {
                @Override
                public void takeLeadership(CuratorFramework c) {
                    mostAtOnce.accumulateAndGet(leading.incrementAndGet(), Math::max);
                    led.add(id);
                    leading.decrementAndGet();
                }
            });
            closeLater(s);
            s.start();
        }
        await().atMost(WAIT_S, TimeUnit.SECONDS).until(() -> led.size() == candidates);
        assertThat(mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void distributedAtomicLongCountsEveryIncrement() throws Exception {
        int clients = 3;
        int increments = 20;
        List<DistributedAtomicLong> counters = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            counters.add(new DistributedAtomicLong(client(), "/recipes/counter", new RetryNTimes(1000, 1)));
        }
        concurrently(clients, i -> {
            for (int n = 0; n < increments; n++) {
                AtomicValue<Long> v = counters.get(i).increment();
                assertThat(v.succeeded()).as("increment by client " + i).isTrue();
            }
        });
        assertThat(counters.get(0).get().postValue()).isEqualTo((long) clients * increments);
    }

    @Test
    void semaphoreNeverGivesMoreLeasesThanItHas() throws Exception {
        int leases = 2;
        int clients = 4;
        AtomicInteger held = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<InterProcessSemaphoreV2> semaphores = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            semaphores.add(new InterProcessSemaphoreV2(client(), "/recipes/semaphore", leases));
        }
        concurrently(clients, i -> {
            for (int round = 0; round < SEMAPHORE_ROUNDS; round++) {
                Lease lease = semaphores.get(i).acquire(WAIT_S, TimeUnit.SECONDS);
                assertThat(lease).as("lease for client " + i).isNotNull();
                mostAtOnce.accumulateAndGet(held.incrementAndGet(), Math::max);
                held.decrementAndGet();
                semaphores.get(i).returnLease(lease);
            }
        });
        assertThat(mostAtOnce.get()).isBetween(1, leases);
    }

    @Test
    void persistentEphemeralNodeComesBackAfterSessionLoss() throws Exception {
        TcpProxy proxy = closeLater(new TcpProxy(cachai.connectString()));
        CuratorFramework owner = client(proxy.connectString());
        CuratorFramework observer = client();
        PersistentNode node = closeLater(new PersistentNode(owner, CreateMode.EPHEMERAL, false, "/recipes/member",
                "me".getBytes()));
        node.start();
        assertThat(node.waitForInitialCreate(WAIT_S, TimeUnit.SECONDS)).isTrue();
        ZooKeeper ownerZk = owner.getZookeeperClient().getZooKeeper();
        long firstSession = ownerZk.getSessionId();

        proxy.refuse(true);
        // Kill the session from outside: resume it with its id and password, then close it.
        try (ZooKeeper twin = ZkClients.connectAs(cachai.connectString(), SESSION_TIMEOUT_MS, firstSession,
                ownerZk.getSessionPasswd())) {
            assertThat(twin.exists("/recipes/member", false)).isNotNull();
        }
        assertThat(observer.checkExists().forPath("/recipes/member")).as("ephemeral gone with its session").isNull();
        proxy.refuse(false);

        await().atMost(2 * WAIT_S, TimeUnit.SECONDS).until(() -> {
            Stat s = observer.checkExists().forPath("/recipes/member");
            return s != null && s.getEphemeralOwner() != firstSession;
        });
        assertThat(observer.getData().forPath("/recipes/member")).isEqualTo("me".getBytes());
    }

    @Test
    void serviceDiscoveryFindsRegisteredInstances() throws Exception {
        List<ServiceDiscovery<Void>> registrations = new ArrayList<>();
        for (int port : new int[] {8081, 8082}) {
            ServiceInstance<Void> me = ServiceInstance.<Void>builder().name("api").address("10.0.0.1").port(port).build();
            ServiceDiscovery<Void> d = closeLater(ServiceDiscoveryBuilder.builder(Void.class).client(client())
                    .basePath("/services").thisInstance(me).build());
            d.start();
            registrations.add(d);
        }
        ServiceDiscovery<Void> finder = closeLater(ServiceDiscoveryBuilder.builder(Void.class).client(client())
                .basePath("/services").build());
        finder.start();
        assertThat(finder.queryForNames()).containsExactly("api");
        assertThat(finder.queryForInstances("api")).extracting(ServiceInstance::getPort)
                .containsExactlyInAnyOrder(8081, 8082);

        registrations.get(0).close();
        await().atMost(WAIT_S, TimeUnit.SECONDS).until(() -> finder.queryForInstances("api").size() == 1);
        assertThat(finder.queryForInstances("api")).extracting(ServiceInstance::getPort).containsExactly(8082);
    }

    @Test
    void distributedQueueDeliversEveryItemOnce() throws Exception {
        int producers = 2;
        int itemsEach = 10;
        List<String> consumed = java.util.Collections.synchronizedList(new ArrayList<>());
        QueueSerializer<String> text = new QueueSerializer<>() {
            public byte[] serialize(String item) {
                return item.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            public String deserialize(byte[] bytes) {
                return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            }
        };
        QueueConsumer<String> consumer = new QueueConsumer<>() {
            public void consumeMessage(String item) {
                consumed.add(item);
            }

            public void stateChanged(CuratorFramework c, org.apache.curator.framework.state.ConnectionState s) {
            }
        };
        DistributedQueue<String> reader = closeLater(QueueBuilder.builder(client(), consumer, text, "/recipes/queue")
                .buildQueue());
        reader.start();
        List<DistributedQueue<String>> writers = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            DistributedQueue<String> q = closeLater(QueueBuilder.<String>builder(client(), null, text, "/recipes/queue")
                    .buildQueue());
            q.start();
            writers.add(q);
        }
        concurrently(producers, i -> {
            for (int n = 0; n < itemsEach; n++) {
                writers.get(i).put("p" + i + "-" + n);
            }
        });
        await().atMost(WAIT_S, TimeUnit.SECONDS).until(() -> consumed.size() >= producers * itemsEach);
        assertThat(consumed).doesNotHaveDuplicates().hasSize(producers * itemsEach);
    }
}
