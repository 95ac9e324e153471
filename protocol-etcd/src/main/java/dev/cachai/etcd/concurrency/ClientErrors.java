package dev.cachai.etcd.concurrency;

import dev.cachai.etcd.support.Errors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.CompletableFuture;

/**
 * etcd serves Lock and Election through a client of its own inside the server, so a failure of
 * the KV or Lease call underneath reaches the caller as that client's error: gRPC code Unknown
 * with the error's text ("etcdserver: requested lease not found"), not the call's own code.
 */
final class ClientErrors {
    private ClientErrors() {}

    static StatusRuntimeException unknown(Throwable failure) {
        return Status.UNKNOWN.withDescription(Errors.from(failure).getStatus().getDescription()).asRuntimeException();
    }

    static StatusRuntimeException unknown(String text) {
        return Status.UNKNOWN.withDescription(text).asRuntimeException();
    }

    /** {@code result}, any failure turned into Unknown with its text. */
    static <T> CompletableFuture<T> unknownOnFailure(CompletableFuture<T> result) {
        return result.handle((value, failure) -> {
            if (failure != null) {
                throw unknown(failure);
            }
            return value;
        });
    }
}
