package dev.cachai.compat.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One client writing distinct keys to one member as fast as answers come, recording every
 * acknowledged key and when it was acknowledged. A failed write is simply not recorded.
 */
final class EtcdWriter implements Runnable, AutoCloseable {
    /** Pacing after a failure, so a writer facing a dead member does not spin a core. */
    private static final long FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long WRITE_TIMEOUT_MS = 3_000;

    record Ack(String key, long atNanos) {}

    private final String prefix;
    private final Client client;
    private final Thread thread;
    private final Map<String, String> acked;
    final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private volatile boolean stopped;

    EtcdWriter(String endpoint, String prefix, Map<String, String> acked) {
        this.prefix = prefix;
        this.acked = acked;
        this.client = Client.builder().endpoints(endpoint).build();
        this.thread = new Thread(this, "writer-" + prefix);
    }

    EtcdWriter start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        for (long i = 0; !stopped; i++) {
            String key = prefix + String.format("%08d", i);
            String value = "v" + i;
            try {
                client.getKVClient().put(bytes(key), bytes(value)).get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                acked.put(key, value);
                acks.add(new Ack(key, System.nanoTime()));
            } catch (Exception e) {
                LockSupport.parkNanos(FAILURE_PAUSE_NANOS);
            }
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(WRITE_TIMEOUT_MS * 2);
        client.close();
    }

    static Map<String, String> newLedger() {
        return new ConcurrentHashMap<>();
    }
}
