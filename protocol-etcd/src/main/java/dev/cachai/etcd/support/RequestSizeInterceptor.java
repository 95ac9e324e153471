package dev.cachai.etcd.support;

import com.google.protobuf.MessageLite;
import dev.cachai.engine.EtcdError;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.util.Set;

/**
 * etcd refuses proposals larger than --max-request-bytes with "request is too large" (gRPC lets
 * a little more through so the error text, not a transport error, reaches the client). Reads are
 * not proposals and are not limited here.
 */
public final class RequestSizeInterceptor implements ServerInterceptor {
    private static final Set<String> UNLIMITED = Set.of("etcdserverpb.KV/Range", "etcdserverpb.Watch/Watch",
            "etcdserverpb.Lease/LeaseKeepAlive");

    private final int requestBytesMax;

    public RequestSizeInterceptor(int requestBytesMax) {
        this.requestBytesMax = requestBytesMax;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (UNLIMITED.contains(call.getMethodDescriptor().getFullMethodName())) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean closed;

            @Override
            public void onMessage(Q message) {
                if (message instanceof MessageLite m && m.getSerializedSize() > requestBytesMax) {
                    closed = true;
                    call.close(Errors.of(EtcdError.REQUEST_TOO_LARGE).getStatus(), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!closed) {
                    super.onHalfClose();
                }
            }
        };
    }
}
