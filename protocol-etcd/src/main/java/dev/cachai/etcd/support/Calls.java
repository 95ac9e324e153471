package dev.cachai.etcd.support;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.Result;
import dev.cachai.netty.ReplyWaits;
import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/** Completing unary calls from futures, and turning engine Failed results into etcd errors. */
public final class Calls {
    private Calls() {}

    /** Proposes {@code command}; a {@link Failed} result completes the future exceptionally. */
    public static CompletableFuture<Result> propose(CommandGateway gateway, Command command) {
        CompletableFuture<Result> f;
        try {
            f = gateway.propose(command);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return f.thenApply(r -> {
            if (r instanceof Failed failed) {
                throw new EtcdException(failed.error());
            }
            return r;
        });
    }

    /**
     * Sends the mapped value of {@code future} as the single response, or its failure as a status.
     * A future completed elsewhere (a write completes on the consensus loop) is answered on the
     * event loop the call came in on, as the ZooKeeper side does: building and framing the
     * response then never holds up the loop that applies every write. Until then the call loop
     * counts the reply as awaited ({@link ReplyWaits}), which may keep it polling for it.
     */
    public static <T, R> void reply(StreamObserver<R> out, CompletableFuture<T> future, Function<T, R> mapper) {
        EventExecutor callLoop = ThreadExecutorMap.currentExecutor();
        ReplyWaits.callBegunHere();
        boolean awaited = callLoop != null && !future.isDone() && ReplyWaits.awaitingHere();
        future.whenComplete((value, error) -> {
            Runnable answer = () -> {
                if (awaited) {
                    ReplyWaits.arrivedHere();
                }
                send(out, value, error, mapper);
                if (!awaited) {
                    ReplyWaits.answeredHere();
                }
            };
            if (callLoop == null || callLoop.inEventLoop()) {
                answer.run();
                return;
            }
            try {
                callLoop.execute(answer);
            } catch (RejectedExecutionException stopping) {
                send(out, value, error, mapper); // the transport is closing; answer (or fail) here
            }
        });
    }

    private static <T, R> void send(StreamObserver<R> out, T value, Throwable error, Function<T, R> mapper) {
        if (error != null) {
            out.onError(Errors.from(error));
            return;
        }
        R response;
        try {
            response = mapper.apply(value);
        } catch (RuntimeException e) {
            out.onError(Errors.from(e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    /** Runs a synchronous handler body, mapping thrown etcd errors to statuses. */
    public static <R> void now(StreamObserver<R> out, java.util.function.Supplier<R> body) {
        R response;
        try {
            response = body.get();
        } catch (RuntimeException e) {
            out.onError(Errors.from(e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }
}
