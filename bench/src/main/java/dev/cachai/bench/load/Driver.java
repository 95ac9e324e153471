package dev.cachai.bench.load;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs one workload at one concurrency level as closed loops: each loop issues its next operation
 * when the previous one completes. Loops are driven by completion callbacks, not threads, so 128
 * clients cost 128 in-flight requests rather than 128 blocked threads.
 */
public final class Driver {
    private static final long DRAIN_GRACE_SECONDS = 30;
    /** How often the loops' operations are checked against the op timeout. */
    private static final long DEADLINE_SCAN_MS = 100;

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
        ExecutorService trampoline = Executors.newSingleThreadExecutor(daemonThreads("bench-trampoline"));
        ScheduledExecutorService deadlines =
                Executors.newSingleThreadScheduledExecutor(daemonThreads("bench-deadlines"));
        long start = System.nanoTime();
        long measureStart = start + settings.warmup().toNanos();
        context.openWindow(measureStart, measureStart + settings.measure().toNanos());
        try {
            List<IssueLoop> loops = new ArrayList<>(issuers);
            for (int i = 0; i < issuers; i++) {
                loops.add(new IssueLoop(workload, i, context, finished, trampoline, settings.opTimeout().toNanos()));
            }
            deadlines.scheduleAtFixedRate(() -> failLateOperations(loops), DEADLINE_SCAN_MS, DEADLINE_SCAN_MS,
                    TimeUnit.MILLISECONDS);
            loops.forEach(IssueLoop::next);
            long waitSeconds = settings.warmup().plus(settings.measure()).toSeconds() + DRAIN_GRACE_SECONDS;
            boolean drained = finished.await(waitSeconds, TimeUnit.SECONDS);
            return summarize(target, workload, clients, context, drained ? "" : "some clients never finished");
        } finally {
            deadlines.shutdownNow();
            trampoline.shutdownNow();
        }
    }

    private static void failLateOperations(List<IssueLoop> loops) {
        long now = System.nanoTime();
        for (IssueLoop loop : loops) {
            loop.failIfLate(now);
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

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** An operation a loop waits for, and when it was issued. */
    private record InFlight(CompletableFuture<?> op, long startNanos) {}

    /**
     * One closed loop. Its operation's timeout is checked by a scan of all loops
     * ({@link #failIfLate}), not a timer per operation: {@code orTimeout}'s shared timer queue took
     * a lock twice per operation, and at 200k operations per second the two client loops
     * contended on it, parking and waking each other on the cores the server needs.
     */
    private static final class IssueLoop {
        /** Completions that run inline would recurse; past this depth the next issue is handed off. */
        private static final int INLINE_DEPTH_MAX = 16;
        private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

        private final Workload workload;
        private final int issuer;
        private final RunContext context;
        private final CountDownLatch finished;
        private final ExecutorService trampoline;
        private final long opTimeoutNanos;
        private volatile InFlight inFlight;

        IssueLoop(Workload workload, int issuer, RunContext context, CountDownLatch finished,
                  ExecutorService trampoline, long opTimeoutNanos) {
            this.workload = workload;
            this.issuer = issuer;
            this.context = context;
            this.finished = finished;
            this.trampoline = trampoline;
            this.opTimeoutNanos = opTimeoutNanos;
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
            inFlight = new InFlight(op, start);
            op.whenComplete((ignored, error) -> done(start, error));
        }

        /** Fails the operation in flight if it has taken longer than the op timeout (a no-op once it completed). */
        void failIfLate(long nowNanos) {
            InFlight current = inFlight;
            if (current != null && nowNanos - current.startNanos() > opTimeoutNanos) {
                String why = "no answer in " + opTimeoutNanos / 1_000_000 + " ms";
                current.op().completeExceptionally(new TimeoutException(why));
            }
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
