package dev.cachai.migration;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** Reads the source and the target at the same time for verify: each side mostly waits on its own server. */
public final class BothSides {
    private BothSides() {}

    /** One side's read. */
    public interface Read<T> {
        T run() throws InterruptedException;
    }

    public record Result<S, T>(S source, T target) {}

    /** Runs the target's read on a thread of its own and the source's here; the source's failure is reported first. */
    public static <S, T> Result<S, T> read(Read<S> source, Read<T> target) throws InterruptedException {
        FutureTask<T> targetTask = new FutureTask<>(target::run);
        Thread thread = new Thread(targetTask, "verify-target");
        thread.setDaemon(true);
        thread.start();
        S s;
        try {
            s = source.run();
        } catch (RuntimeException | InterruptedException e) {
            thread.interrupt();
            throw e;
        }
        try {
            return new Result<>(s, targetTask.get());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof InterruptedException) {
                throw (InterruptedException) cause;
            }
            throw new MigrationException("reading the target failed: " + cause, cause);
        }
    }
}
