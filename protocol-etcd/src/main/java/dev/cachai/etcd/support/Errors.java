package dev.cachai.etcd.support;

import dev.cachai.engine.EngineException;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** etcd errors as gRPC statuses: clients parse the description text back into typed errors. */
public final class Errors {
    private Errors() {}

    public static StatusRuntimeException of(EtcdError e) {
        return Status.fromCode(Status.Code.valueOf(e.grpcCode())).withDescription(e.message()).asRuntimeException();
    }

    /** Maps any failure of a proposal, read or handler to the status etcd would answer. */
    public static StatusRuntimeException from(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof EtcdException ee) {
            return of(ee.error());
        }
        if (c instanceof GatewayException ge) {
            return of(ge.error());
        }
        if (c instanceof EngineException ee) {
            return of(ee.error());
        }
        if (c instanceof StatusRuntimeException sre) {
            return sre;
        }
        return Status.INTERNAL.withDescription(String.valueOf(c.getMessage())).withCause(c).asRuntimeException();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
