package dev.cachai.etcd.watch;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class StreamExecutorTest {
    private static final int TASKS = 200;

    private static List<String> runAll(Executor executor) throws InterruptedException {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(TASKS);
        for (int i = 0; i < TASKS; i++) {
            int n = i;
            executor.execute(() -> {
                ran.add(n + " " + Thread.currentThread().getName());
                done.countDown();
                if (n == 3) {
                    throw new IllegalStateException("a failing task must not stop the ones after it");
                }
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        return ran;
    }

    private static void assertInOrderOn(List<String> ran, String threadPrefix) {
        for (int i = 0; i < TASKS; i++) {
            assertThat(ran.get(i)).startsWith(i + " " + threadPrefix);
        }
    }

    @Test
    void aStreamOpenedOnAnEventLoopRunsItsTasksThereInOrder() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop((java.util.concurrent.ThreadFactory) r -> new Thread(r, "test-loop"));
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-pool"));
        try {
            assertInOrderOn(runAll(WatchStream.streamExecutor(loop, pool)), "test-loop");
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
            pool.shutdownNow();
        }
    }

    @Test
    void aStreamOpenedElsewhereRunsItsTasksOnThePoolOneAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "test-pool"));
        try {
            assertInOrderOn(runAll(WatchStream.streamExecutor(null, pool)), "test-pool");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedEventLoopDropsTasksWithoutFailingTheSignaller() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        Executor executor = WatchStream.streamExecutor(loop, Runnable::run);
        assertThatCode(() -> executor.execute(() -> { })).doesNotThrowAnyException();
    }
}
