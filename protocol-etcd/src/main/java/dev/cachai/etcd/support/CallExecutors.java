package dev.cachai.etcd.support;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where each gRPC call's handlers run. The hot services (KV, Watch, Lease) run on the transport's
 * event loop: their handlers never block (writes hand off to the consensus loop, watch sends have
 * their own pool), and skipping the hand-off to another thread is most of a small request's cost
 * on two cores. Every other service may block or run long (password hashing in Auth, snapshot
 * streaming and hashing in Maintenance, membership changes, lock and election waits) and goes to
 * a small pool, as every call did before.
 */
public final class CallExecutors implements ServerCallExecutorSupplier, AutoCloseable {
    /** Services whose handlers never block. */
    static final Set<String> ON_EVENT_LOOP = Set.of("etcdserverpb.KV", "etcdserverpb.Watch", "etcdserverpb.Lease");
    static final int OFFLOAD_THREADS_MAX = 8;
    /** Beyond this many waiting calls, the event loop runs the call itself (slower, never unbounded). */
    static final int OFFLOAD_QUEUED_CALLS_MAX = 4_096;

    private final ExecutorService offload;

    public CallExecutors() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(OFFLOAD_THREADS_MAX, OFFLOAD_THREADS_MAX, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(OFFLOAD_QUEUED_CALLS_MAX), r -> {
                    Thread t = new Thread(r, "cachai-etcd-call-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        pool.allowCoreThreadTimeOut(true);
        this.offload = pool;
    }

    /** Null keeps the server's executor (direct: the event loop); otherwise the offload pool. */
    @Override
    public <Q, R> ExecutorService getExecutor(ServerCall<Q, R> call, Metadata headers) {
        return runsOnEventLoop(call.getMethodDescriptor().getServiceName()) ? null : offload;
    }

    static boolean runsOnEventLoop(String serviceName) {
        return ON_EVENT_LOOP.contains(serviceName);
    }

    @Override
    public void close() {
        offload.shutdownNow();
    }
}
