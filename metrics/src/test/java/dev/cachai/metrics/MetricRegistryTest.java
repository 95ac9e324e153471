package dev.cachai.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricRegistryTest {
    @Test
    void registeringAgainReturnsTheSameFamilySoCountsSurviveARestartedComponent() {
        MetricRegistry r = new MetricRegistry();
        r.counter("x_total", "X.").inc();
        r.counter("x_total", "X.").inc();
        assertThat(r.counter("x_total", "X.").value()).isEqualTo(2);
    }

    @Test
    void aNameCannotChangeTypeLabelsOrBuckets() {
        MetricRegistry r = new MetricRegistry();
        r.counterFamily("x_total", "X.", "a");
        assertThatThrownBy(() -> r.gauge("x_total", "X.")).hasMessageContaining("already registered as a counter");
        assertThatThrownBy(() -> r.counterFamily("x_total", "X.", "b")).hasMessageContaining("with labels [a]");
        r.histogram("h", "H.", Buckets.exponential(1, 2, 3));
        assertThatThrownBy(() -> r.histogram("h", "H.", Buckets.exponential(1, 2, 4)))
                .hasMessageContaining("other buckets");
    }

    @Test
    void badNamesLabelsAndBucketsAreRefused() {
        MetricRegistry r = new MetricRegistry();
        assertThatThrownBy(() -> r.counter("1x", "X.")).hasMessageContaining("invalid metric name");
        assertThatThrownBy(() -> r.counterFamily("x", "X.", "le")).hasMessageContaining("invalid label name");
        assertThatThrownBy(() -> r.counterFamily("y", "Y.", "a-b")).hasMessageContaining("invalid label name");
        assertThatThrownBy(() -> r.histogram("z", "Z.", new double[] {2, 1})).hasMessageContaining("increasing");
        assertThatThrownBy(() -> r.counterFamily("w", "W.", "a").labels("1", "2")).hasMessageContaining("takes labels [a]");
        assertThatThrownBy(() -> r.counter("v", "V.").add(-1)).hasMessageContaining("cannot go down");
    }

    @Test
    void concurrentIncrementsAreAllCounted() throws Exception {
        MetricRegistry r = new MetricRegistry();
        CounterFamily f = r.counterFamily("c_total", "C.", "m");
        int threads = 4;
        int each = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    f.labels("Range").inc();
                }
            });
            th.start();
            started.add(th);
        }
        start.countDown();
        for (Thread th : started) {
            th.join();
        }
        assertThat(Scrape.parse(r.scrape()).value("c_total", "m", "Range")).contains((double) threads * each);
    }
}
