package dev.cachai.bench.load;

import org.HdrHistogram.Histogram;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one workload at one concurrency level as closed loops: each loop issues its next operation
 * when the previous one completes. Loops are driven by completion callbacks, not threads, so 128
 * clients cost 128 in-flight requests rather than 128 blocked threads.
 */
public final class Driver {
    private static final long DRAIN_GRACE_SECONDS = 30;

    private final LoadSettings settings;

    public Driver(LoadSettings settings) {
        this.settings = settings;
    }

    public RunResult run(Endpoints target, Supplier<Workload> factory, int clients) {
        RunContext context = new RunContext(settings);
        Workload workload = factory.get();
        if (!target.serves(workload.protocol())) {
            return RunResult.skipped(target.name(), workload.name(), clients, "protocol not served");
        }
        try (workload) {
            workload.setUp(target, clients, context);
            return measure(target, workload, clients, context);
        } catch (Exception e) {
            return RunResult.skipped(target.name(), workload.name(), clients, RunResult.SETUP_FAILED + rootMessage(e));
        }
    }

    private RunResult measure(Endpoints target, Workload workload, int clients, RunContext context)
            throws InterruptedException {
        int issuers = workload.issuers(clients);
        CountDownLatch finished = new CountDownLatch(issuers);
        ExecutorService trampoline = Executors.newSingleThreadExecutor(daemonThreads());
        long start = System.nanoTime();
        long measureStart = start + settings.warmup().toNanos();
        context.openWindow(measureStart, measureStart + settings.measure().toNanos());
        try {
            for (int i = 0; i < issuers; i++) {
                new IssueLoop(workload, i, context, finished, trampoline, settings.opTimeout()).next();
            }
            long waitSeconds = settings.warmup().plus(settings.measure()).toSeconds() + DRAIN_GRACE_SECONDS;
            boolean drained = finished.await(waitSeconds, TimeUnit.SECONDS);
            return summarize(target, workload, clients, context, drained ? "" : "some clients never finished");
        } finally {
            trampoline.shutdownNow();
        }
    }

    private static RunResult summarize(Endpoints target, Workload workload, int clients, RunContext context,
                                       String note) {
        Histogram h = context.takeHistogram();
        double seconds = Math.max(1e-9, (context.lastCompletionNanos() - context.measureStartNanos()) / 1e9);
        long ops = h.getTotalCount();
        String errorNote = context.firstError() == null ? "" : "first error: " + rootMessage(context.firstError());
        String joined = note.isEmpty() ? errorNote : note + (errorNote.isEmpty() ? "" : "; " + errorNote);
        return new RunResult(target.name(), workload.name(), clients, ops, context.errors(),
                ops == 0 ? 0 : seconds, ops == 0 ? 0 : ops / seconds,
                micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)),
                micros(h.getValueAtPercentile(99.9)), micros(h.getMaxValue()), joined);
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        return r -> {
            Thread t = new Thread(r, "bench-trampoline");
            t.setDaemon(true);
            return t;
        };
    }

    /** One closed loop. */
    private static final class IssueLoop {
        /** Completions that run inline would recurse; past this depth the next issue is handed off. */
        private static final int INLINE_DEPTH_MAX = 16;
        private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

        private final Workload workload;
        private final int issuer;
        private final RunContext context;
        private final CountDownLatch finished;
        private final ExecutorService trampoline;
        private final java.time.Duration opTimeout;

        IssueLoop(Workload workload, int issuer, RunContext context, CountDownLatch finished,
                  ExecutorService trampoline, java.time.Duration opTimeout) {
            this.workload = workload;
            this.issuer = issuer;
            this.context = context;
            this.finished = finished;
            this.trampoline = trampoline;
            this.opTimeout = opTimeout;
        }

        void next() {
            long start = System.nanoTime();
            if (!context.keepGoing(start)) {
                finished.countDown();
                return;
            }
            context.noteStart(start);
            CompletableFuture<?> op;
            try {
                op = workload.issue(issuer);
            } catch (RuntimeException e) {
                op = CompletableFuture.failedFuture(e);
            }
            op.orTimeout(opTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ignored, error) -> done(start, error));
        }

        private void done(long start, Throwable error) {
            if (error != null) {
                context.errorSince(start, error);
            } else if (!workload.recordsOwnLatency()) {
                context.recordSince(start);
            }
            int[] depth = DEPTH.get();
            if (depth[0] >= INLINE_DEPTH_MAX) {
                trampoline.execute(this::next);
                return;
            }
            depth[0]++;
            try {
                next();
            } finally {
                depth[0]--;
            }
        }
    }
}
