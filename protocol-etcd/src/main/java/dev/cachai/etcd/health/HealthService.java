package dev.cachai.etcd.health;

import dev.cachai.etcd.proto.health.HealthCheckRequest;
import dev.cachai.etcd.proto.health.HealthCheckResponse;
import dev.cachai.etcd.proto.health.HealthCheckResponse.ServingStatus;
import dev.cachai.etcd.proto.health.HealthGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * gRPC's standard health service ({@code grpc.health.v1.Health}), as etcd registers it on its
 * client port: the server as a whole, the empty service name, is SERVING for as long as the port
 * is up (etcd 3.4 and 3.5 never change it; a missing leader shows in {@code /health} and in calls
 * made with {@code hasleader} metadata instead). Any other name is unknown, answered as grpc-go's
 * health server answers it.
 */
public final class HealthService extends HealthGrpc.HealthImplBase {
    /** The name that stands for every service of the port. */
    static final String WHOLE_SERVER = "";

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        if (!WHOLE_SERVER.equals(request.getService())) {
            response.onError(Status.NOT_FOUND.withDescription("unknown service").asRuntimeException());
            return;
        }
        response.onNext(answer(ServingStatus.SERVING));
        response.onCompleted();
    }

    /**
     * Tells the status at once and then stays open, as grpc-go's does until the client goes: the
     * status never changes, so nothing more is sent.
     */
    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        response.onNext(answer(WHOLE_SERVER.equals(request.getService()) ? ServingStatus.SERVING : ServingStatus.SERVICE_UNKNOWN));
    }

    private static HealthCheckResponse answer(ServingStatus status) {
        return HealthCheckResponse.newBuilder().setStatus(status).build();
    }
}
